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

# Local-government associations (members' parent organisations), by country.
ASSOCIATIONS = {
    "PK": "Local Councils Association of Sindh",
    "PH": "League of Cities of the Philippines",
    "ID": "APEKSI (Association of Indonesian Municipalities)",
    "TH": "National Municipal League of Thailand",
    "NP": "Municipal Association of Nepal",
    "MV": "Local Government Authority of the Maldives",
    "IN": "All India Council of Mayors",
}

# email → (organisation, kind, position, designated focal point). Kind "association" means the
# association itself; other organisations are its members.
ORGANISATIONS = {
    "participant@example.org": ("Karachi Metropolitan Corporation", "city", "Director, International Relations", True),
    "imran.baloch@example.org": ("Quetta Metropolitan Corporation", "city", "Deputy Director, Planning", True),
    "sana.memon@example.org": ("Local Councils Association of Sindh", "association", "Programme Officer", False),
    "bilal.qureshi@example.org": ("Larkana Municipal Committee", "municipality", "Municipal Officer", False),
    "maria.santos@example.org": ("Quezon City", "city", "International Affairs Officer", True),
    "jose.delacruz@example.org": ("Davao City", "city", "City Environment Officer", True),
    "analyn.reyes@example.org": ("League of Cities of the Philippines", "association", "Policy Officer", False),
    "ramon.bautista@example.org": ("Cebu City", "city", "City Planning Coordinator", False),
    "putri.wulandari@example.org": ("Kota Surabaya", "city", "Head of Cooperation Section", True),
    "budi.santoso@example.org": ("Provinsi DKI Jakarta", "province", "International Cooperation Bureau", True),
    "andi.makkasau@example.org": ("Kota Makassar", "city", "Regional Planning Agency", False),
    "siti.rahmawati@example.org": (
        "APEKSI (Association of Indonesian Municipalities)",
        "association",
        "Programme Manager",
        False,
    ),
    "nyoman.suarjana@example.org": ("Kabupaten Badung", "regency", "Development Planning Officer", True),
    "somchai.srisuk@example.org": ("Bangkok Metropolitan Administration", "city", "Foreign Relations Officer", True),
    "sudarat.thongdee@example.org": ("Chiang Mai Municipality", "municipality", "Policy and Planning Analyst", True),
    "nattapong.c@example.org": ("Khon Kaen Municipality", "municipality", "Smart City Officer", False),
    "kanya.wongsawat@example.org": (
        "National Municipal League of Thailand",
        "association",
        "Partnerships Officer",
        False,
    ),
    "sita.shrestha@example.org": ("Dhulikhel Municipality", "municipality", "Planning Officer", True),
    "ram.thapa@example.org": ("Kathmandu Metropolitan City", "city", "International Relations Officer", True),
    "anjali.karki@example.org": ("Municipal Association of Nepal", "association", "Capacity Building Officer", False),
    "prakash.adhikari@example.org": ("Lalitpur Metropolitan City", "city", "Information Officer", False),
    "aishath.shiuna@example.org": ("Malé City Council", "city", "Council Officer", True),
    "mohamed.rasheed@example.org": ("Addu City Council", "city", "Development Officer", True),
    "fathimath.nazla@example.org": ("Fuvahmulah City Council", "city", "Assistant Director", False),
    "ahmed.shareef@example.org": (
        "Local Government Authority of the Maldives",
        "association",
        "Senior Policy Officer",
        False,
    ),
    "priya.nair@example.org": ("Kochi Municipal Corporation", "city", "Deputy Secretary", True),
    "rajesh.kumar@example.org": ("Pune Municipal Corporation", "city", "Smart City Officer", True),
    "meenakshi.iyer@example.org": ("Greater Chennai Corporation", "city", "Assistant Commissioner", False),
    "arjun.deshpande@example.org": ("All India Council of Mayors", "association", "Research Officer", False),
    "kavita.joshi@example.org": ("Indore Municipal Corporation", "city", "Waste Management Officer", False),
}

# Invited but not joined yet (no password), and one whose invitation keeps bouncing.
NOT_JOINED = ("kavita.joshi@example.org", "fathimath.nazla@example.org", "prakash.adhikari@example.org")
BOUNCING = "prakash.adhikari@example.org"

ASSOCIATION_COORDINATOR = ("Hendra Gunawan", "apeksi@example.org", "ID", "Asia/Jakarta")
ASSOCIATION_SEATS = 8

# Applications waiting on the public page: (name, email, organisation, kind, country, zone, motivation).
APPLICATIONS = [
    (
        "Tran Van Minh",
        "minh.tran@example.org",
        "Da Nang City People's Committee",
        "city",
        "VN",
        "Asia/Ho_Chi_Minh",
        "Da Nang works with Yokohama under Y-PORT; I coordinate our city partnerships.",
    ),
    (
        "Lisiate Fonua",
        "lisiate.fonua@example.org",
        "Nuku'alofa Town Council",
        "city",
        "TO",
        "Pacific/Tongatapu",
        "We want to learn how Pacific councils build technical partnerships.",
    ),
    ("Dorji Wangmo", "dorji.wangmo@example.org", "Thimphu Thromde", "city", "BT", "Asia/Thimphu", ""),
]

DEMO_ANSWER = (
    "Our city's DC bicycle: strong handlebars (the mayor's SDG plan), pedals that need work "
    "(little budget for partnerships), and a good saddle with our long-time sister city."
)

# A finished one-day pilot in the Pacific, four months ago: its graduates are trained trainers.
PILOT_TITLE = "Module 4 pilot — Pacific councils"
PILOT_GRADUATES = [
    ("Sione Fifita", "sione.fifita@example.org", "TO", "Pacific/Tongatapu"),
    ("Mere Tuilagi", "mere.tuilagi@example.org", "WS", "Pacific/Apia"),
    ("Jone Ratu", "jone.ratu@example.org", "FJ", "Pacific/Fiji"),
]

GROUP_ANSWERS = [
    "**Solidarity**: helping a partner city because its problems are also ours.\n\n"
    "**Horizontal relationships**: no donor and receiver; both cities bring something.",
    "**Solidarity**: helping a partner city because its problems are also ours.\n\n"
    "**Horizontal relationships**: no donor and receiver; both cities bring something.\n\n"
    "**Participation**: residents and local groups help decide. Hardest for us: participation, "
    "because our partnership meetings are between officials only.",
]
FEEDBACK = [
    "Clear definitions in your own words. For the plenary, add one example from a member's city.",
    "Good choice of the hardest principle. What would change if residents joined the next exchange visit?",
    "Well done. Check the definition of geographic alliance against section 2 of chapter 1.",
]

CASCADE_TITLE = "Cascade course — Tongan district officers"
CASCADE_PARTICIPANTS = [
    ("Mele Taufa", "mele.taufa@example.org", "TO", "Pacific/Tongatapu"),
    ("Viliami Tonga", "viliami.tonga@example.org", "TO", "Pacific/Tongatapu"),
    ("Ana Lolohea", "ana.lolohea@example.org", "TO", "Pacific/Tongatapu"),
    ("Sione Havili", "sione.havili@example.org", "TO", "Pacific/Tongatapu"),
]
