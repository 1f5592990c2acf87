"""Words for the codes the pages show (statuses, actions, roles…), marked for translation.

The values are English source messages; templates pass them through gettext."""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the conventional name for "mark, do not translate"
    """Mark a message for the catalogue without translating it here."""
    return message


STATUS = {
    "submitted": N_("Submitted"),
    "accepted": N_("Accepted"),
    "rejected": N_("Rejected"),
    "dispatched": N_("Dispatched"),
    "in_progress": N_("In progress"),
    "resolved": N_("Resolved"),
    "closed": N_("Closed"),
    "merged": N_("Merged into another report"),
}
ACTION = {
    "submit": N_("Reported"),
    "accept": N_("Accept"),
    "reject": N_("Reject"),
    "dispatch": N_("Dispatch"),
    "start": N_("Start work"),
    "resolve": N_("Resolve"),
    "close": N_("Close"),
    "return": N_("Return for rework"),
    "merge": N_("Merge as a duplicate"),
    "escalate": N_("Escalate"),
    "reopen": N_("Reopen"),
    "rate": N_("Rate"),
    "rehome": N_("Moved to a new grid"),
    "auto_escalate": N_("Escalated when overdue"),
}
# What each action did, for a case's timeline.
DONE = {
    "submit": N_("Reported"),
    "accept": N_("Accepted"),
    "reject": N_("Rejected"),
    "dispatch": N_("Dispatched"),
    "start": N_("Work started"),
    "resolve": N_("Resolved"),
    "close": N_("Closed after checking"),
    "return": N_("Returned for rework"),
    "escalate": N_("Escalated"),
    "reopen": N_("Reopened"),
    "rate": N_("Rated"),
    "rehome": N_("Moved to a new grid"),
    "merge": N_("Merged as a duplicate"),
}
ROLE = {
    "resident": N_("Resident"),
    "grid_worker": N_("Grid worker"),
    "community_staff": N_("Community staff"),
    "street_admin": N_("Street administrator"),
    "district_admin": N_("District administrator"),
    "city_admin": N_("City administrator"),
    "admin": N_("Administrator"),
    "auditor": N_("Auditor"),
    "legal_staff": N_("Legal staff"),
    "unit": N_("Unit"),
}
LEVEL = {
    "province": N_("Province"),
    "city": N_("City"),
    "district": N_("District"),
    "street": N_("Street"),
    "community": N_("Community"),
    "grid": N_("Grid"),
}
RATE = {
    "response": N_("Response"),
    "resolution": N_("Resolution"),
    "on_time_closure": N_("On-time closure"),
    "satisfaction": N_("Satisfaction"),
}
RATE_HELP = {
    "response": N_("Cases accepted within their deadline class, of all accepted"),
    "resolution": N_("Resolutions the check accepted, of all checked"),
    "on_time_closure": N_("Closed cases resolved within their deadline"),
    "satisfaction": N_("Ratings of 4 or 5 stars, of all ratings"),
}
OUTCOME = {
    "met": N_("Met them"),
    "not_home": N_("Nobody home"),
    "refused": N_("They declined the visit"),
}
FLAG = {
    "lives_alone": N_("Lives alone"),
    "disability": N_("Disability"),
    "low_income": N_("Low income (dibao)"),
    "needs_assistance": N_("Needs assistance"),
}
BAND = {
    "overdue": N_("Overdue"),
    "today": N_("Due today"),
    "upcoming": N_("Coming up"),
}
PURPOSE = {
    "visit": N_("Visit"),
    "case": N_("Case"),
    "registry": N_("Registry"),
}
KIND = {
    "flood": N_("Flood"),
    "fire": N_("Fire"),
    "epidemic": N_("Epidemic"),
    "heat_wave": N_("Heat wave"),
    "earthquake": N_("Earthquake"),
    "other": N_("Other emergency"),
}
CHECK = {
    "open": N_("To check"),
    "safe": N_("Safe"),
    "needs_help": N_("Needs help"),
    "unreachable": N_("Unreachable"),
    "withdrawn": N_("Withdrawn"),
}
PRIORITY = {
    1: N_("Aged 80+ living alone"),
    2: N_("Disability"),
    3: N_("Needs assistance"),
    4: N_("Aged 60+ living alone"),
    9: N_("Welfare check"),
}
EMERGENCY_STATUS = {"active": N_("Active"), "ended": N_("Ended")}
EMERGENCY_LOG = {
    "declare": N_("Declared"),
    "widen": N_("Widened"),
    "narrow": N_("Narrowed"),
    "reassign": N_("Tasks reassigned"),
    "end": N_("Ended"),
    "ended": N_("Ended"),
}
SUPPLY = {
    "water": N_("Drinking water"),
    "food": N_("Food"),
    "medicine": N_("Medicine"),
    "other": N_("Other supplies"),
}
FACILITY = {
    "canteen": N_("Elderly canteen"),
    "elderly_care": N_("Elderly care station"),
    "health": N_("Health station"),
    "legal_aid": N_("Legal aid corner"),
    "activity_room": N_("Activity room"),
    "other": N_("Other facility"),
}
PROPOSAL = {
    "open": N_("Waiting for an answer"),
    "considering": N_("Being considered"),
    "accepted": N_("Accepted: being done"),
    "declined": N_("Declined"),
}
DISPUTE = {
    "marriage_family": N_("Marriage and family"),
    "neighbours": N_("Neighbours"),
    "house_land": N_("House and land"),
    "labour": N_("Labour"),
    "other": N_("Other"),
}
MEDIATION = {
    "open": N_("In mediation"),
    "agreement": N_("Written agreement"),
    "legal_aid": N_("Referred to legal aid"),
    "court": N_("Referred to court"),
    "withdrawn": N_("Withdrawn"),
}
PARTY = {"applicant": N_("Applicant"), "respondent": N_("Respondent")}
CHANNEL = {"in_app": N_("On this site"), "sms": N_("Text message (SMS)"), "email": N_("E-mail")}
DELIVERY = {
    "pending": N_("waiting to be sent"),
    "sent": N_("sent"),
    "failed": N_("could not be sent"),
}
ACTIVITY = {
    "tai_chi": N_("Tai chi"),
    "calligraphy": N_("Calligraphy"),
    "music": N_("Music"),
    "law_lecture": N_("Law lecture"),
    "health_talk": N_("Health talk"),
    "other": N_("Other"),
}
RECURRENCE = {"once": N_("Once"), "weekly": N_("Weekly"), "monthly": N_("Monthly")}
SIGNUP = {
    "confirmed": N_("Has a place"),
    "waitlisted": N_("On the waitlist"),
    "cancelled": N_("Cancelled"),
}
TEAM = {
    "legal": N_("Legal services"),
    "neighbourhood_help": N_("Neighbourhood help"),
    "recreation": N_("Culture and recreation"),
    "other": N_("Other"),
}
