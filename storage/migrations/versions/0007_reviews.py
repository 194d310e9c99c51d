"""reviews: a person's decision on each finding, kept across runs by the site's domain

- ``sites.domain``: the registrable domain of the seed URL (``crawler.site_domain``), filled
  in for the sites already stored;
- ``reviews``: one decision per (domain, kind, value) with the reviewer, the time, a note, the
  machine's value when reviewed and the digest of the page the reviewer read.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The one home of a site's domain is the crawler's scope rule (public suffix list,
    # bundled, never fetched); a migration of a few thousand sites can afford to call it.
    from crawler import site_domain

    # Plain ADD COLUMN, not a batch copy: the analyst views read `sites`.
    op.add_column("sites", sa.Column("domain", sa.String(length=255), nullable=True))
    op.create_index("ix_sites_domain", "sites", ["domain"])
    sites = sa.table(
        "sites", sa.column("id", sa.Integer), sa.column("seed_url"), sa.column("domain")
    )
    conn = op.get_bind()
    for site_id, seed_url in conn.execute(sa.select(sites.c.id, sites.c.seed_url)).all():
        conn.execute(
            sites.update().where(sites.c.id == site_id).values(domain=site_domain(seed_url))
        )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("machine", sa.String(length=16), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reviewed", sa.String(length=16), nullable=False),
        sa.Column("reviewer", sa.String(length=128), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("page_url", sa.String(length=2048), nullable=True),
        sa.Column("page_sha256", sa.String(length=64), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("domain", "kind", "value", name="uq_reviews_domain_kind_value"),
    )


def downgrade() -> None:
    op.drop_table("reviews")
    op.drop_index("ix_sites_domain", table_name="sites")
    op.drop_column("sites", "domain")
