"""site verdict: a seed file's kind, pages' cues, one sells-treatment verdict per site score

Whether a site sells treatment is decided once per site from all of its pages' page-type cues
(or the seed file's ``kind``), no longer by a vote of per-page verdicts:

- ``sites.kind``: what the seed file says the site is (clinic, facilitator, seller, news, other);
- ``pages.page_cues``: the page-type evidence extraction found, ``[[side, phrase, weight]]``
  (``pages.is_clinic`` stays, as the page's own lean);
- ``site_scores.is_clinic`` becomes ``sells_treatment``, with ``verdict_reasons`` beside it;
  ``risk_score`` and ``grade`` become nullable and are emptied for sites that sell no treatment
  (they held a risk of 0 and an A they never earned).

The analyst views of 0004 are dropped before and created again after, with
``sells_treatment`` and the site's ``kind`` in ``latest_site_scores`` and ``sellers`` counted
per country.

Pages extracted before this migration have no cues: until the run is extracted again
(``clinic-audit extract --run N``) such a site is taken as a seller unless its ``kind`` says
otherwise.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

VIEWS = {
    # A site's most recent score under each rubric (failed runs ignored).
    "latest_site_scores": """
        SELECT s.id AS site_id, s.seed_url AS url, s.name, s.country, s.kind, sc.rubric,
               sc.run_id, r.started_at AS run_started_at, sc.sells_treatment,
               sc.verdict_reasons, sc.risk_score, sc.grade, sc.kb_hash
        FROM site_scores sc
        JOIN sites s ON s.id = sc.site_id
        JOIN crawl_runs r ON r.id = sc.run_id
        WHERE sc.run_id = (
            SELECT MAX(l.run_id) FROM site_scores l
            JOIN crawl_runs lr ON lr.id = l.run_id
            WHERE l.site_id = sc.site_id AND l.rubric = sc.rubric AND lr.status <> 'failed'
        )""",
    # Per run, how many sites that sell treatment have a page claiming each condition, by
    # evidence tier (a site that sells no treatment claims nothing: its pages' claims are
    # mentions).
    "claims_by_condition_tier": """
        SELECT c.run_id, c.value AS condition, c.tier,
               COUNT(DISTINCT c.site_id) AS sites_claiming, COUNT(*) AS pages_claiming
        FROM claims c
        WHERE c.kind = 'condition' AND c.stance = 'claimed'
          AND NOT EXISTS (
              SELECT 1 FROM site_scores sc
              WHERE sc.run_id = c.run_id AND sc.site_id = c.site_id AND NOT sc.sells_treatment
          )
        GROUP BY c.run_id, c.value, c.tier""",
    # Per country and rubric, from each site's latest score.
    "sites_per_country": """
        SELECT COALESCE(country, '?') AS country, rubric, COUNT(*) AS sites,
               SUM(CASE WHEN sells_treatment THEN 1 ELSE 0 END) AS sellers,
               SUM(CASE WHEN sells_treatment AND grade IN ('D', 'F') THEN 1 ELSE 0 END)
                   AS sellers_graded_d_or_f
        FROM latest_site_scores
        GROUP BY COALESCE(country, '?'), rubric""",
}

# The views as 0004 created them, for the downgrade.
OLD_VIEWS = {
    "latest_site_scores": """
        SELECT s.id AS site_id, s.seed_url AS url, s.name, s.country, sc.rubric, sc.run_id,
               r.started_at AS run_started_at, sc.is_clinic, sc.risk_score, sc.grade,
               sc.kb_hash
        FROM site_scores sc
        JOIN sites s ON s.id = sc.site_id
        JOIN crawl_runs r ON r.id = sc.run_id
        WHERE sc.run_id = (
            SELECT MAX(l.run_id) FROM site_scores l
            JOIN crawl_runs lr ON lr.id = l.run_id
            WHERE l.site_id = sc.site_id AND l.rubric = sc.rubric AND lr.status <> 'failed'
        )""",
    "claims_by_condition_tier": """
        SELECT c.run_id, c.value AS condition, c.tier,
               COUNT(DISTINCT c.site_id) AS sites_claiming, COUNT(*) AS pages_claiming
        FROM claims c
        WHERE c.kind = 'condition' AND c.stance = 'claimed'
        GROUP BY c.run_id, c.value, c.tier""",
    "sites_per_country": """
        SELECT COALESCE(country, '?') AS country, rubric, COUNT(*) AS sites,
               SUM(CASE WHEN is_clinic THEN 1 ELSE 0 END) AS clinics,
               SUM(CASE WHEN is_clinic AND grade IN ('D', 'F') THEN 1 ELSE 0 END)
                   AS clinics_graded_d_or_f
        FROM latest_site_scores
        GROUP BY COALESCE(country, '?'), rubric""",
}


def _drop_views(views: dict[str, str]) -> None:
    for name in reversed(views):
        op.execute(f"DROP VIEW {name}")


def _create_views(views: dict[str, str]) -> None:
    for name, query in views.items():
        op.execute(f"CREATE VIEW {name} AS {query}")


def _drop_column(table: str, column: str) -> None:
    """Drop a column without rebuilding the table: on SQLite a rebuild drops the table, and
    with foreign keys on that deletes the rows of every table pointing at it."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")  # SQLite 3.35 and later
    else:
        op.drop_column(table, column)


def upgrade() -> None:
    # Views first: SQLite rebuilds site_scores (copy, drop, rename) under them.
    _drop_views(OLD_VIEWS)
    # Adding columns never rebuilds a table on SQLite. ``pages`` must not be rebuilt: with
    # foreign keys on, dropping it would delete every claim (ON DELETE CASCADE).
    with op.batch_alter_table("sites") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=16), nullable=True))
    with op.batch_alter_table("pages") as batch:
        batch.add_column(sa.Column("page_cues", sa.JSON(), nullable=True))
    with op.batch_alter_table("site_scores") as batch:
        batch.alter_column(
            "is_clinic",
            new_column_name="sells_treatment",
            existing_type=sa.Boolean(),
            existing_nullable=False,
        )
        batch.alter_column("risk_score", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("grade", existing_type=sa.String(length=1), nullable=True)
        batch.add_column(sa.Column("verdict_reasons", sa.JSON(), nullable=True))
    op.execute("UPDATE site_scores SET risk_score = NULL, grade = NULL WHERE NOT sells_treatment")
    _create_views(VIEWS)


def downgrade() -> None:
    _drop_views(VIEWS)
    # The old columns were never empty: a site that sold no treatment had risk 0, grade A.
    op.execute("UPDATE site_scores SET risk_score = 0, grade = 'A' WHERE NOT sells_treatment")
    with op.batch_alter_table("site_scores") as batch:
        batch.drop_column("verdict_reasons")
        batch.alter_column("grade", existing_type=sa.String(length=1), nullable=False)
        batch.alter_column("risk_score", existing_type=sa.Integer(), nullable=False)
        batch.alter_column(
            "sells_treatment",
            new_column_name="is_clinic",
            existing_type=sa.Boolean(),
            existing_nullable=False,
        )
    _drop_column("pages", "page_cues")
    _drop_column("sites", "kind")
    _create_views(OLD_VIEWS)
