"""The demo's people. Fictional names and addresses (example.org is reserved for examples)."""

DEMO_PASSWORD = "trainer-demo-2021"
COURSE_TITLE = "Module 4 Training of Trainers — Asia-Pacific"
COURSE_ZONE = "Asia/Jakarta"  # UCLG ASPAC's secretariat is in Jakarta

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
