"""Lines of opinion prose, for pages a layout test builds line by line."""

PROSE = [
    "The district court granted summary",
    "judgment on the contract claim and",
    "dismissed the remaining counts for",
    "want of jurisdiction. We review the",
    "grant de novo, viewing the record in",
    "the light most favourable to the",
    "party who opposed the motion, and",
    "we affirm in part and reverse in part.",
]
