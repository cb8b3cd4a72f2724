"""Models of the one app (ADR 2): a rebuildable index of what git knows about each decision.

Git is the source of truth (ADR 5): every row here can be dropped and rebuilt
by `adr index --full`. Tables are named explicitly (ADR 3); models hold data
and constraints only: writes go through `indexing.py`, reads through `queries/`.
"""

from __future__ import annotations

from urllib.parse import quote

from django.db import models
from django.db.models import Q
from django.urls import reverse

from adrsite.decisions.refs import decision_ref
from adrsite.records import reviews as proposals
from adrsite.records.problems import ProblemCode, Severity
from adrsite.records.report import problem_line


class Status(models.TextChoices):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DEPRECATED = "deprecated"
    SUPERSEDED = "superseded"
    UNKNOWN = "", "unknown"  # missing, or a word that maps to none of the five


class LinkKind(models.TextChoices):
    """Stored in the forward direction: "superseded-by" is a supersedes row read backwards."""

    SUPERSEDES = "supersedes"
    AMENDS = "amends"
    EXTENDS = "extends"
    REFINES = "refines"
    CLARIFIES = "clarifies"
    DEPENDS_ON = "depends-on"
    RELATES_TO = "relates-to"


class Repository(models.Model):
    name = models.SlugField(max_length=100, unique=True)
    # Any length: a path or URL given to `adr index`, an ADR folder a committer names in
    # .adr-dir. None is indexed, so none needs a limit PostgreSQL would enforce.
    location = models.TextField(help_text="where the index reads: a working copy, or the mirror")
    # From a git host (`adr repo add`, ADR 32): its clone URL, mirrored under
    # ADRSITE_DATA_DIR; blank for a local repository indexed in place.
    url = models.TextField(blank=True, help_text="the clone URL, for a repository from its host")
    branch = models.CharField(max_length=255, blank=True, help_text="blank: the host's default")
    # Webhooks verify an HMAC with it, so it is kept as given (a hash cannot check one);
    # never shown, never exported.
    secret = models.TextField(blank=True, help_text="the webhook secret")
    last_fetch_at = models.DateTimeField(null=True, blank=True, help_text="last fetched whole")
    last_fetch_error = models.TextField(blank=True, help_text="git's words, when the last failed")
    adr_dir = models.TextField(default="adr")
    web_url = models.TextField(
        blank=True,
        help_text="links to source, e.g. https://github.com/org/repo/blob/{commit}/{path}",
    )
    last_indexed_commit = models.CharField(max_length=40, blank=True)
    indexed_at = models.DateTimeField(null=True, blank=True)
    shallow = models.BooleanField(default=False, help_text="history incomplete: shallow clone")
    index_format = models.PositiveSmallIntegerField(
        default=0, help_text="the indexer's format it was indexed with; a newer one re-indexes"
    )
    locations = models.JSONField(
        default=list, blank=True, help_text="every place the ADR folder's files have lived"
    )
    # Decisions in review (ADR 37): the refs of open work read beside the tracked branch.
    review_refs = models.JSONField(
        default=list, blank=True, help_text="ref patterns; empty: the hosts' pull request refs"
    )
    review_max_age = models.PositiveIntegerField(
        default=90, help_text="days: without a host token, an older ref is hidden"
    )
    # The host's API, to hide closed pull requests (blank: from the clone URL's host).
    host_api = models.TextField(blank=True, help_text="e.g. https://api.github.com/repos/org/repo")
    host_token = models.TextField(blank=True, help_text="read-only API token; never shown")
    # Who reads it (ADR 35): every signed-in user when empty, else members of these groups.
    # Read through queries.visible_repositories, the one place that decides it.
    visible_to = models.ManyToManyField(
        "auth.Group",
        blank=True,
        related_name="repositories",
        db_table="adr_repository_visible_to",
        help_text="only members of these groups see it; none: every signed-in user",
    )

    class Meta:
        db_table = "adr_repository"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def source_url(self, commit: str, path: str = "") -> str:
        """`web_url` filled in: a file at a commit, or (no path) the tree at that commit."""
        if not self.web_url or not commit:
            return ""
        return self.web_url.replace("{commit}", commit).replace("{path}", quote(path))


class Tag(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        db_table = "adr_tag"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Decision(models.Model):
    # Search (migrations 0002 and 0005) reads title and body: on SQLite through two
    # FTS5 tables and their triggers, which a migration that rebuilds this table
    # drops (it must run both migrations' SQLite statements again); on PostgreSQL
    # through a generated column, which must be dropped before either column's
    # type changes and added after.
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="decisions")
    # At most 1,000 UTF-8 bytes (identity.MAX_PATH_BYTES), so the unique index holds it.
    path = models.CharField(max_length=1000, help_text="at HEAD; the last path it had, if deleted")
    number = models.PositiveIntegerField(null=True, blank=True)  # None: date-named files
    slug = models.CharField(max_length=255)
    title = models.CharField(max_length=500)
    status = models.CharField(max_length=20, choices=Status, blank=True)
    status_text = models.CharField(max_length=500, blank=True, help_text="as written")
    date = models.DateField(null=True, blank=True)
    deciders = models.JSONField(default=list)
    authors = models.JSONField(default=list, help_text="names, oldest contribution first")
    affects = models.JSONField(default=list)
    rule = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # The reading path (/start/, `adr onboarding`): from the last revision's record.
    summary = models.TextField(blank=True, help_text="the Decision section's first paragraph")
    words = models.PositiveIntegerField(default=0, help_text="of the body: minutes to read it")
    primary_tag = models.CharField(max_length=100, blank=True, help_text="its first tag")
    onboarding = models.PositiveIntegerField(null=True, blank=True, help_text="its place")
    onboarding_skip = models.BooleanField(default=False, help_text="left off the reading path")
    review_by = models.DateField(null=True, blank=True, help_text="when to look at it again")
    tags = models.ManyToManyField(Tag, through="DecisionTag", related_name="decisions")
    created_commit = models.CharField(max_length=40)
    created_at = models.DateTimeField()
    updated_commit = models.CharField(max_length=40)
    updated_at = models.DateTimeField()
    deleted_commit = models.CharField(max_length=40, blank=True)

    class Meta:
        db_table = "adr_decision"
        # No default ordering: it joined adr_repository on every query that set none.
        # Each query orders explicitly.
        constraints = [
            models.UniqueConstraint(
                fields=["repository", "path"],
                condition=Q(deleted_commit=""),
                name="adr_decision_unique_current_path",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="adr_decision_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["repository", "status"], name="adr_decision_status_idx"),
            # The decision log: counts per status of current decisions, from the index
            # alone; and its default order, read in order and stopped after a page
            # (10,000 decisions: 30 ms -> 2 ms, and 25 ms -> 0.1 ms, on SQLite).
            models.Index(
                fields=["deleted_commit", "repository", "status"], name="adr_decision_current_idx"
            ),
            models.Index(
                fields=["deleted_commit", "number", "created_at"], name="adr_decision_order_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}" if self.number is not None else self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "decisions:detail", kwargs={"repository": self.repository.name, "ref": self.ref}
        )

    @property
    def ref(self) -> str:
        """Where its pages live (ADR 21): its path in the ADR folder, without `.md`."""
        return decision_ref(self.path, self.repository.adr_dir)

    @property
    def stem(self) -> str:
        """The file name without `.md`: how lists name a decision that has no number."""
        return self.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]  # .md, .markdown, .MD

    @property
    def label(self) -> str:
        """How the site names it in lists: "ADR 12" or, for date-named files, the file's stem."""
        return f"ADR {self.number}" if self.number is not None else self.stem


class DecisionTag(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)

    class Meta:
        db_table = "adr_decision_tag"
        constraints = [
            models.UniqueConstraint(fields=["decision", "tag"], name="adr_decision_tag_unique")
        ]

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.tag_id}"


class Revision(models.Model):
    """A decision as one commit left it: who, when, and the text, so any two can be diffed."""

    # No index of its own (migration 0016): the unique index on (decision, commit) starts
    # with it and serves every lookup by decision; a second index cost each of a full
    # index's revisions a write.
    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="revisions", db_index=False
    )
    commit = models.CharField(max_length=40)
    author = models.CharField(max_length=255)
    author_email = models.CharField(max_length=255, blank=True)
    authored_at = models.DateTimeField()
    message = models.TextField(blank=True)
    path = models.CharField(max_length=1000)
    status = models.CharField(max_length=20, choices=Status, blank=True)
    blob = models.CharField(max_length=40, blank=True)
    content = models.TextField(blank=True)
    deleted = models.BooleanField(default=False)

    class Meta:
        db_table = "adr_revision"
        ordering = ["decision", "authored_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "commit"], name="adr_revision_unique_commit"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="adr_revision_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.path} at {self.commit[:7]}"


class Link(models.Model):
    """A typed link, declared on either side: shown forwards on one, backwards on the other."""

    source = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=20, choices=LinkKind)
    declared_in = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="+")
    line = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "adr_link"
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="adr_link_unique"),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="adr_link_not_self"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=LinkKind.values), name="adr_link_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"


class Problem(models.Model):
    """What the indexer or the linter found wrong: shown on the site, never a crash."""

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="problems")
    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, null=True, blank=True, related_name="problems"
    )
    path = models.TextField()  # whole, even one too long for a decision (`path-too-long`)
    commit = models.CharField(max_length=40, blank=True)
    line = models.PositiveIntegerField(default=1)
    # Both vocabularies are the core's (records/problems.py): a new code is a new migration.
    severity = models.CharField(max_length=10, choices=[(s.value, s.value) for s in Severity])
    code = models.CharField(max_length=50, choices=[(c.value, c.value) for c in ProblemCode])
    message = models.TextField()

    class Meta:
        db_table = "adr_problem"
        ordering = ["path", "line"]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__in=[s.value for s in Severity]),
                name="adr_problem_severity_valid",
            ),
            models.CheckConstraint(
                condition=Q(code__in=[c.value for c in ProblemCode]), name="adr_problem_code_valid"
            ),
        ]

    def __str__(self) -> str:
        return problem_line(self)


class CheckState(models.TextChoices):
    HOLDING = "holding"
    BROKEN = "broken"
    UNCHECKABLE = "not checkable"


class CheckResult(models.Model):
    """One of a decision's `enforce:` checks, run at one indexed head (ADR 30).

    Kept per commit: the cache (a head is checked once), and the history that says
    since when a rule is broken, and when it was mended. Keyed by the decision's path,
    not its row: a full re-index rebuilds decisions, and the checks of past heads stay.
    """

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="checks")
    path = models.CharField(max_length=1000, help_text="the decision's, at that head")
    commit = models.CharField(max_length=40, help_text="the indexed head it ran at")
    committed_at = models.DateTimeField(help_text="when that head was committed: the order")
    index = models.PositiveSmallIntegerField(help_text="its place in the decision's enforce:")
    description = models.TextField(help_text="imports: forbidden, pattern '…' absent, …")
    state = models.CharField(max_length=20, choices=CheckState)
    violations = models.JSONField(default=list, help_text="[path, line, message] each")
    reason = models.TextField(blank=True, help_text="why it could not be checked")

    class Meta:
        db_table = "adr_check_result"
        constraints = [
            models.UniqueConstraint(
                fields=["repository", "path", "commit", "index"], name="adr_check_result_unique"
            ),
            models.CheckConstraint(
                condition=Q(state__in=CheckState.values), name="adr_check_result_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.path} check {self.index} at {self.commit[:7]}: {self.state}"


class RepositorySync(models.Model):
    """Background fetch + index of one repository (ADR 33): who runs it, how the last went.

    `running_by` is a lease: a worker sets it in one UPDATE that only succeeds when it is
    empty or expired, so two workers never sync one repository at once.
    """

    repository = models.OneToOneField(Repository, on_delete=models.CASCADE, related_name="sync")
    running_by = models.CharField(max_length=64, blank=True, help_text="the worker syncing it")
    running_since = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0, help_text="in a row; 0 after a success")
    last_error = models.TextField(blank=True, help_text="the last failure's message")
    next_retry_at = models.DateTimeField(null=True, blank=True)
    next_fetch_at = models.DateTimeField(null=True, blank=True, help_text="the scheduler's")

    class Meta:
        db_table = "adr_repository_sync"

    def __str__(self) -> str:
        return f"sync of {self.repository_id}"


class SchedulerLease(models.Model):
    """The one row whose holder is the one scheduler across all workers (ADR 33)."""

    holder = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "adr_scheduler_lease"

    def __str__(self) -> str:
        return f"scheduler held by {self.holder or 'nobody'}"


class WebhookDelivery(models.Model):
    """A webhook delivery id already acted on: a replay of it is ignored."""

    kind = models.CharField(max_length=20)
    delivery = models.CharField(max_length=200)
    received_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "adr_webhook_delivery"
        constraints = [
            models.UniqueConstraint(fields=["kind", "delivery"], name="adr_webhook_delivery_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} delivery {self.delivery}"


class ReviewChange(models.TextChoices):
    ADDED = "added"
    CHANGED = "changed"
    DELETED = "deleted"


class Review(models.Model):
    """An open pull request or branch that changes ADR files (ADR 37); kept once merged,
    for the timeline ("proposed in #412 on 3 May, merged on 9 May in abc1234")."""

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="reviews")
    ref = models.CharField(max_length=1000, help_text="refs/pull/412/head, refs/heads/x, ...")
    label = models.CharField(max_length=1000, help_text="#412, !7, or the branch's name")
    head = models.CharField(max_length=40)
    merge_base = models.CharField(max_length=40)
    tip = models.CharField(max_length=40, help_text="the tracked tip it was compared with")
    author = models.CharField(max_length=255, help_text="of its first commit changing an ADR")
    author_email = models.CharField(max_length=255, blank=True)
    proposed_at = models.DateTimeField(help_text="that commit's date")
    committed_at = models.DateTimeField(help_text="its head's: the last activity")
    url = models.TextField(blank=True, help_text="its page on the host")
    merged_commit = models.CharField(max_length=40, blank=True, help_text="blank: still open")
    merged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "adr_review"
        constraints = [
            models.UniqueConstraint(
                fields=["repository", "ref"],
                condition=Q(merged_commit=""),
                name="adr_review_unique_open_ref",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.repository_id} {self.label}"

    @property
    def is_open(self) -> bool:
        return not self.merged_commit


class ReviewRefOutcome(models.TextChoices):
    OPEN = "open"  # stored as an open Review
    MERGED = "merged"  # recorded merged, or reached by the tip: nothing left to show
    NOTHING = "nothing"  # no ADR changes, or all of them on the tip already
    HIDDEN = "hidden"  # closed on the host, or untouched longer than review_max_age


class ReviewRef(models.Model):
    """What the last review refresh found of one ref (ADR 37): read again only when its
    head or the tracked tip moves. Kept in the database, never a cache: a lost entry
    would read a squash-merged pull request again, as open, against a tip that may
    have moved on."""

    repository = models.ForeignKey(
        Repository, on_delete=models.CASCADE, related_name="review_refs_seen"
    )
    ref = models.CharField(max_length=1000)
    adr_dir = models.TextField(blank=True, help_text="the folder it was read in")
    head = models.CharField(max_length=40)
    tip = models.CharField(max_length=40, help_text="the tracked tip it was compared with")
    merge_base = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(max_length=10, choices=ReviewRefOutcome)

    class Meta:
        db_table = "adr_review_ref"
        constraints = [
            models.UniqueConstraint(fields=["repository", "ref"], name="adr_review_ref_unique"),
            models.CheckConstraint(
                condition=Q(outcome__in=ReviewRefOutcome.values), name="adr_review_ref_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.repository_id} {self.ref}: {self.outcome}"


class ProposedChange(models.Model):
    """One ADR file a review changes against its merge base; the proposed text with it."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="changes")
    # The tracked branch's decision it changes, or (once merged) the one it became.
    decision = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    change = models.CharField(max_length=10, choices=ReviewChange)
    path = models.CharField(max_length=1000, help_text="on the ref; a deleted file's last")
    path_before = models.CharField(max_length=1000, blank=True)
    number = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=500, blank=True)
    # Normalized; blank when unknown, and before an add or after a delete (the export's null).
    status_before = models.CharField(max_length=20, choices=Status, blank=True)
    status_after = models.CharField(max_length=20, choices=Status, blank=True)
    blob_before = models.CharField(max_length=40, blank=True)
    blob_after = models.CharField(max_length=40, blank=True)
    content = models.TextField(blank=True, help_text="the proposed text; blank when deleted")

    class Meta:
        db_table = "adr_proposed_change"
        ordering = ["review", "path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(change__in=ReviewChange.values), name="adr_proposed_change_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.change} {self.path}"

    def as_core(self) -> proposals.ProposedChange:
        """As the core reads it: no status before an add, none after a delete."""
        return proposals.ProposedChange(
            self.change, self.path, self.path_before, self.number, self.title,
            None if self.change == ReviewChange.ADDED else self.status_before,
            None if self.change == ReviewChange.DELETED else self.status_after,
            self.blob_before, self.blob_after,
        )  # fmt: skip
