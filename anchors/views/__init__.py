"""The buyer workspace, by sub-domain: ``contracts`` (list, create, page, edit, publish,
cancel), ``splitting`` (plan, adjust, check, confirm), ``lots`` (a lot's settings and the legal
check of its reservation) and ``awards``. The officer's lot page (matches, interests,
questions) is ``matching.views``; clarification questions are answered in ``opportunities``.

Thin views: parse a form, call one service or selector, render what ``anchors.presenters``
makes. Access and refusals follow ``core.web``: only officers and coordinators come in
(``anchors.web.officer_required``); another institution's contract or lot is 404 (the
selectors do not find it); a coordinator reads everything and changes nothing (403 with the
reason, from ``anchors.permissions.ensure_officer_of``); a service's refusal goes into the
page's error summary.
"""
