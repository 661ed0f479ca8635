"""SQL that more than one subject of the store reads: statuses, incomplete sentences, flag counts.

Each fact is written once here (and in the views of migrations.py), so that every
query that needs it asks the same question.
"""

from ..core.news import EditorialStatus, Severity, Status

# The status of an article's translation in the language bound to the query's
# first parameter, from the translation_status view (migration m003).
STATUS_JOIN = "left join translation_status ts on ts.article_id = a.id and ts.lang = :lang"
STATUS = f"coalesce(ts.status, '{Status.MISSING}')"
# The translation and editorial status (views translation_status, editorial_status)
# of article `a` in the language `:lang`, as correlated subqueries: SQLite then finds
# the one article by its key, where a LEFT JOIN on a view that is itself a join
# builds the whole view first (all articles, for one).
STATUS_OF = (
    "coalesce((select ts.status from translation_status ts where ts.article_id = a.id and ts.lang = :lang), "
    f"'{Status.MISSING}')"
)
EDITORIAL_OF = (
    "coalesce((select es.status from editorial_status es where es.article_id = a.id and es.lang = :lang), "
    f"'{EditorialStatus.MISSING}')"
)
# A sentence's stored translation is incomplete (news.incomplete): cut at the
# length limit, or empty for English that is not. The same expression makes
# the partial index of m005, so that SQLite uses it.
INCOMPLETE = "(st.truncated = 1 or (st.text = '' and trim(st.source) != ''))"
# QA errors and warnings per article in `:lang`, counting the sentences the article
# has now (a stale translation's flags on English since replaced do not count).
FLAG_COUNTS = f"""
    select q.article_id,
           sum(q.severity = '{Severity.ERROR.value}') as errors,
           sum(q.severity = '{Severity.WARNING.value}') as warnings
    from qa_flags q
    where q.lang = :lang and exists (
        select 1 from sentences s where s.article_id = q.article_id and s.source_hash = q.source_hash
    )
    group by q.article_id
"""
