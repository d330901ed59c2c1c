"""The demo's 160 businesses: four featured ones (the supplier logins) and 156 generated."""

from demo.businesses.featured import FEATURED_BUSINESSES, BusinessSpec
from demo.businesses.generated import business_specs
from demo.businesses.step import logins, seed

__all__ = ["FEATURED_BUSINESSES", "BusinessSpec", "business_specs", "logins", "seed"]
