"""claim_changes: claims a site added or removed since its previous run

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 10:55:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claim_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("previous_run_id", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"]),
        sa.ForeignKeyConstraint(["previous_run_id"], ["crawl_runs.id"]),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "site_id", "kind", "value", name="uq_claim_changes_run_site"),
    )
    op.create_index(op.f("ix_claim_changes_run_id"), "claim_changes", ["run_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_claim_changes_run_id"), table_name="claim_changes")
    op.drop_table("claim_changes")
