"""The demo's people. Fictional names and addresses (example.org is reserved for examples)."""

DEMO_PASSWORD = "trainer-demo-2021"
COURSE_TITLE = "Module 4 Training of Trainers — Asia-Pacific"
COURSE_ZONE = "Asia/Jakarta"  # UCLG ASPAC's secretariat is in Jakarta

# Zoom details in the shape of a real meeting (the number matches shared/samples/zoom).
JOIN_URL = "https://us02web.zoom.us/j/83512345678?pwd=demo"
MEETING_ID = "835 1234 5678"
PASSCODE = "sdg2030"
DIAL_IN = "Indonesia +62 21 0000 0000 · Philippines +63 2 0000 0000 · India +91 22 0000 0000"
# Live days run 13:00–16:00 in Jakarta: 11:00 in Karachi, 14:00 in Manila, 19:00 in Auckland.
DAY_START, DAY_END = (13, 0), (16, 0)
DAY_ONE_AGO = 10  # day 1 was ten days ago; days 2 and 3 come three weeks after it

COORDINATOR = ("Dewi Lestari", "coordinator@example.org", "ID", "Asia/Jakarta")

TRAINERS = [
    ("Rahmat Hidayat", "trainer@example.org", "ID", "Asia/Jakarta"),
    ("Aroha Ngata", "trainer2@example.org", "NZ", "Pacific/Auckland"),
]

# (name, email, country, zone): 30 focal points from the seven countries of the 2021 course.
PARTICIPANTS = [
    ("Ayesha Khan", "participant@example.org", "PK", "Asia/Karachi"),
    ("Imran Baloch", "imran.baloch@example.org", "PK", "Asia/Karachi"),
    ("Sana Memon", "sana.memon@example.org", "PK", "Asia/Karachi"),
    ("Bilal Qureshi", "bilal.qureshi@example.org", "PK", "Asia/Karachi"),
    ("Maria Santos", "maria.santos@example.org", "PH", "Asia/Manila"),
    ("Jose Dela Cruz", "jose.delacruz@example.org", "PH", "Asia/Manila"),
    ("Analyn Reyes", "analyn.reyes@example.org", "PH", "Asia/Manila"),
    ("Ramon Bautista", "ramon.bautista@example.org", "PH", "Asia/Manila"),
    ("Putri Wulandari", "putri.wulandari@example.org", "ID", "Asia/Jakarta"),
    ("Budi Santoso", "budi.santoso@example.org", "ID", "Asia/Jakarta"),
    ("Andi Makkasau", "andi.makkasau@example.org", "ID", "Asia/Makassar"),
    ("Siti Rahmawati", "siti.rahmawati@example.org", "ID", "Asia/Jakarta"),
    ("Nyoman Suarjana", "nyoman.suarjana@example.org", "ID", "Asia/Makassar"),
    ("Somchai Srisuk", "somchai.srisuk@example.org", "TH", "Asia/Bangkok"),
    ("สุดารัตน์ ทองดี", "sudarat.thongdee@example.org", "TH", "Asia/Bangkok"),
    ("Nattapong Chaiyaporn", "nattapong.c@example.org", "TH", "Asia/Bangkok"),
    ("Kanya Wongsawat", "kanya.wongsawat@example.org", "TH", "Asia/Bangkok"),
    ("Sita Shrestha", "sita.shrestha@example.org", "NP", "Asia/Kathmandu"),
    ("राम बहादुर थापा", "ram.thapa@example.org", "NP", "Asia/Kathmandu"),
    ("Anjali Karki", "anjali.karki@example.org", "NP", "Asia/Kathmandu"),
    ("Prakash Adhikari", "prakash.adhikari@example.org", "NP", "Asia/Kathmandu"),
    ("Aishath Shiuna", "aishath.shiuna@example.org", "MV", "Indian/Maldives"),
    ("Mohamed Rasheed", "mohamed.rasheed@example.org", "MV", "Indian/Maldives"),
    ("Fathimath Nazla", "fathimath.nazla@example.org", "MV", "Indian/Maldives"),
    ("Ahmed Shareef", "ahmed.shareef@example.org", "MV", "Indian/Maldives"),
    ("Priya Nair", "priya.nair@example.org", "IN", "Asia/Kolkata"),
    ("Rajesh Kumar", "rajesh.kumar@example.org", "IN", "Asia/Kolkata"),
    ("Meenakshi Iyer", "meenakshi.iyer@example.org", "IN", "Asia/Kolkata"),
    ("Arjun Deshpande", "arjun.deshpande@example.org", "IN", "Asia/Kolkata"),
    ("Kavita Joshi", "kavita.joshi@example.org", "IN", "Asia/Kolkata"),
]
