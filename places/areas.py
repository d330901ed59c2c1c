"""The built-in named areas, as constants the data migration and tests share.

East Birmingham follows Birmingham City Council's East Birmingham Inclusive Growth Strategy
(Cabinet report, February 2020). Postcode districts do not follow ward boundaries, so the
district lists are a working approximation ("fringe" districts are only partly inside); once
the ONS Postcode Directory is loaded, membership is decided exactly by ward.

Ward codes are ONS GSS codes for Birmingham's wards since the 2018 boundary review. The three
North Solihull regeneration wards beside the area are not part of the strategy and not listed.
"""

EAST_BIRMINGHAM_SLUG = "east-birmingham"
EAST_BIRMINGHAM_NAME = "East Birmingham"
EAST_BIRMINGHAM_DESCRIPTION = (
    "The 20 wards of Birmingham City Council's East Birmingham Inclusive Growth Strategy "
    "(2020). As postcode districts: core B7, B8, B9, B10, B11, B25, B26, B33, B34, B35, B36, "
    "B37; partly inside B4, B5, B6, B12, B23, B24, B27."
)

EAST_BIRMINGHAM_CORE_DISTRICTS = (
    "B7",
    "B8",
    "B9",
    "B10",
    "B11",
    "B25",
    "B26",
    "B33",
    "B34",
    "B35",
    "B36",
    "B37",
)
EAST_BIRMINGHAM_FRINGE_DISTRICTS = ("B4", "B5", "B6", "B12", "B23", "B24", "B27")

# (GSS code, ward name)
EAST_BIRMINGHAM_WARDS = (
    ("E05011120", "Alum Rock"),
    ("E05011126", "Bordesley & Highgate"),
    ("E05011127", "Bordesley Green"),
    ("E05011131", "Bromford & Hodge Hill"),
    ("E05011132", "Castle Vale"),
    ("E05011137", "Garretts Green"),
    ("E05011138", "Glebe Farm & Tile Cross"),
    ("E05011139", "Gravelly Hill"),
    ("E05011145", "Heartlands"),
    ("E05011155", "Nechells"),
    ("E05011162", "Pype Hayes"),
    ("E05011165", "Shard End"),
    ("E05011166", "Sheldon"),
    ("E05011167", "Small Heath"),
    ("E05011169", "South Yardley"),
    ("E05011170", "Sparkbrook & Balsall Heath East"),
    ("E05011182", "Tyseley & Hay Mills"),
    ("E05011183", "Ward End"),
    ("E05011185", "Yardley East"),
    ("E05011186", "Yardley West & Stechford"),
)
