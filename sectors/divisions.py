"""The 45 CPV 2008 divisions, so that a fresh install has a usable taxonomy.

Codes and check digits are facts of Regulation (EC) No 213/2008; the short labels are our own
plain-English summaries. A data migration inserts these rows; ``load_cpv`` later adds the 9,409
finer codes and replaces these labels with the official ones.

Pure data (no Django imports): the migration imports it, so keep it stable.
"""

DIVISIONS: tuple[tuple[str, str, str], ...] = (
    ("03000000", "1", "Farming, fishing and forestry products"),
    ("09000000", "3", "Fuel, energy and petroleum products"),
    ("14000000", "1", "Mining and basic metals"),
    ("15000000", "8", "Food, drink and tobacco"),
    ("16000000", "5", "Farm machinery"),
    ("18000000", "9", "Clothing, footwear and luggage"),
    ("19000000", "6", "Leather, textiles, plastics and rubber"),
    ("22000000", "0", "Printed matter"),
    ("24000000", "4", "Chemicals"),
    ("30000000", "9", "Office and computer equipment"),
    ("31000000", "6", "Electrical equipment and lighting"),
    ("32000000", "3", "Radio, television and telecoms equipment"),
    ("33000000", "0", "Medical equipment, medicines and personal care"),
    ("34000000", "7", "Vehicles and transport equipment"),
    ("35000000", "4", "Security, fire, police and defence equipment"),
    ("37000000", "8", "Musical instruments, sports goods, toys and craft materials"),
    ("38000000", "5", "Laboratory and precision instruments"),
    ("39000000", "2", "Furniture, furnishings, appliances and cleaning products"),
    ("41000000", "9", "Water supply"),
    ("42000000", "6", "Industrial machinery"),
    ("43000000", "3", "Mining, quarrying and construction machinery"),
    ("44000000", "0", "Building materials and structures"),
    ("45000000", "7", "Construction work"),
    ("48000000", "8", "Software packages and information systems"),
    ("50000000", "5", "Repair and maintenance"),
    ("51000000", "9", "Installation services"),
    ("55000000", "0", "Hotels, restaurants, catering and retail"),
    ("60000000", "8", "Transport services"),
    ("63000000", "9", "Transport support services and travel agencies"),
    ("64000000", "6", "Post and telecoms services"),
    ("65000000", "3", "Public utilities"),
    ("66000000", "0", "Finance and insurance"),
    ("70000000", "1", "Property services"),
    ("71000000", "8", "Architecture, engineering and inspection"),
    ("72000000", "5", "IT services"),
    ("73000000", "2", "Research and development"),
    ("75000000", "6", "Public administration, defence and social security"),
    ("76000000", "3", "Oil and gas industry services"),
    ("77000000", "0", "Farming, forestry and horticulture services"),
    ("79000000", "4", "Business services: legal, marketing, consulting, recruitment, printing"),
    ("80000000", "4", "Education and training"),
    ("85000000", "9", "Health and social care"),
    ("90000000", "7", "Sewage, waste, cleaning and environmental services"),
    ("92000000", "1", "Recreation, culture and sport"),
    ("98000000", "3", "Other community, social and personal services"),
)
