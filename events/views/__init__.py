"""Meet the Buyer's pages, in two parts named as their forms and addresses are:

- ``public``: the public and business pages (the list, an event, registering, a business's
  registrations, schedules and files); forms in ``events.forms.public``, addresses in
  ``events.urls.public``, templates in ``templates/events/``;
- ``manage``: the network coordinators' pages under ``/events/manage/``, a package by
  sub-domain; forms in ``events.forms.manage``, addresses in ``events.urls.manage``,
  templates in ``templates/events/manage/``.
"""
