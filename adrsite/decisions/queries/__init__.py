"""Read functions: what views and the CLI ask of the index. A constant number of queries each.

Callers import the package and call `queries.x`; each function lives in the module
of its page or subject:

- `access`: which repositories a user may read (ADR 35): every function that lists or
  finds decisions takes that answer, `visible`, as a required argument
- `repositories`: the indexed repositories, and the one choice of a repository
- `log`: the decision log, its filters, counts and pages
- `decision`: which decision a ref names (ADR 21), its page, its revisions
- `whole_log`: timeline, graph, rules, problems and overdue reviews, the feed
- `onboarding`: the reading path
- `export`: the export contract, whole and a page at a time
- `checks`: the decisions' enforce: checks as the indexer last ran them
- `reviews`: decisions in review: open pull requests and branches, their collisions (ADR 37)
"""

from adrsite.decisions.queries.access import every_repository, visible_repositories
from adrsite.decisions.queries.checks import CheckView, decision_checks
from adrsite.decisions.queries.decision import (
    Choice,
    DecisionLookup,
    DecisionPage,
    LinkedDecision,
    RevisionEntry,
    StatusChange,
    decision_lookup,
    decision_page,
    revision_get,
    revision_pair,
    status_changes,
)
from adrsite.decisions.queries.export import (
    API_PAGE_SIZE,
    ExportPage,
    decision_export,
    decision_export_page,
    decision_json,
)
from adrsite.decisions.queries.log import (
    PAGE_SIZE,
    RELEVANCE,
    SORTS,
    UNKNOWN,
    DecisionLog,
    LogFilters,
    StatusCount,
    decision_log,
)
from adrsite.decisions.queries.onboarding import reading_path
from adrsite.decisions.queries.repositories import (
    IndexAge,
    IndexedRepository,
    RepositoryNotChosen,
    fetch_problem,
    fetch_problems,
    index_ages,
    repository_get,
    repository_list,
    sync_failures,
)
from adrsite.decisions.queries.reviews import (
    OpenReviews,
    Proposal,
    ReviewEntry,
    decision_reviews,
    open_reviews,
    open_reviews_in,
    proposal_get,
    review_change_count,
    review_log,
    review_page,
    reviews_json,
    tracked_text,
)
from adrsite.decisions.queries.whole_log import (
    PROBLEMS_PER_GROUP,
    ProblemGroup,
    ProblemReport,
    TimelineEvent,
    graph,
    overdue_reviews,
    problems,
    recent_revisions,
    rules,
    timeline,
)

__all__ = [
    "API_PAGE_SIZE",
    "PAGE_SIZE",
    "PROBLEMS_PER_GROUP",
    "RELEVANCE",
    "SORTS",
    "UNKNOWN",
    "CheckView",
    "Choice",
    "DecisionLog",
    "DecisionLookup",
    "DecisionPage",
    "ExportPage",
    "IndexAge",
    "IndexedRepository",
    "LinkedDecision",
    "LogFilters",
    "OpenReviews",
    "ProblemGroup",
    "ProblemReport",
    "Proposal",
    "RepositoryNotChosen",
    "ReviewEntry",
    "RevisionEntry",
    "StatusChange",
    "StatusCount",
    "TimelineEvent",
    "decision_checks",
    "decision_export",
    "decision_export_page",
    "decision_json",
    "decision_log",
    "decision_lookup",
    "decision_page",
    "decision_reviews",
    "every_repository",
    "fetch_problem",
    "fetch_problems",
    "graph",
    "index_ages",
    "open_reviews",
    "open_reviews_in",
    "overdue_reviews",
    "problems",
    "proposal_get",
    "reading_path",
    "recent_revisions",
    "repository_get",
    "repository_list",
    "review_change_count",
    "review_log",
    "review_page",
    "reviews_json",
    "revision_get",
    "revision_pair",
    "rules",
    "status_changes",
    "sync_failures",
    "timeline",
    "tracked_text",
    "visible_repositories",
]
