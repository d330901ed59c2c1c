"""Meet the Buyer's forms: ``public`` for the business pages (``events.views.public``) and
``manage`` for the coordinators' pages (``events.views.manage``)."""
