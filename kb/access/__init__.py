"""Who may see what: every audience rule of kb, with its translations to SQL,
index masks and snapshot masks.

- policy: the Audience, what it reads, lists and counts of experiences and comments,
  the moderator and admin checks, and the Viewer templates test;
- reach: a Reach and its translations (SQL, index mask, snapshot mask);
- membership: what an active network membership is, as SQL and in Python;
- catalogue: who sees which payroll systems (a pending proposal: its proposer and
  moderators);
- networks: who reads and does what in a network, its meetings and its questions,
  and the flags (NetworkView, MeetingView) the network pages' templates test;
- organisations: whose link to an organisation is verified (never by typing its
  name), and who may confirm whose;
- figures: whether a viewer sees every answer behind a figure (then it is shown
  whatever its n; otherwise the minimum-answers rule protects what they cannot see)."""
