"""analyst views: latest score per site, claims by condition and tier, sites per country

Plain SQL views that run unchanged on SQLite and PostgreSQL, for analysts querying the database
directly (Datasette's canned queries, psql, pandas). They hold no data of their own.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 11:00:00
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

VIEWS = {
    # A site's most recent score under each rubric (failed runs ignored).
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
    # Per run, how many sites have a page claiming each condition, by evidence tier.
    "claims_by_condition_tier": """
        SELECT c.run_id, c.value AS condition, c.tier,
               COUNT(DISTINCT c.site_id) AS sites_claiming, COUNT(*) AS pages_claiming
        FROM claims c
        WHERE c.kind = 'condition' AND c.stance = 'claimed'
        GROUP BY c.run_id, c.value, c.tier""",
    # Per country and rubric, from each site's latest score.
    "sites_per_country": """
        SELECT COALESCE(country, '?') AS country, rubric, COUNT(*) AS sites,
               SUM(CASE WHEN is_clinic THEN 1 ELSE 0 END) AS clinics,
               SUM(CASE WHEN is_clinic AND grade IN ('D', 'F') THEN 1 ELSE 0 END)
                   AS clinics_graded_d_or_f
        FROM latest_site_scores
        GROUP BY COALESCE(country, '?'), rubric""",
}


def upgrade() -> None:
    for name, query in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {query}")


def downgrade() -> None:
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW {name}")
