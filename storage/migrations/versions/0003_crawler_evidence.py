"""crawler: the server's IP address and revisit records of pages; per-site JS rendering

Revision ID: 0003
Revises: 0002

It only adds nullable columns.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pages") as batch:
        batch.add_column(sa.Column("ip_address", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("revisit_file", sa.String(length=1024), nullable=True))
        batch.add_column(sa.Column("revisit_offset", sa.Integer(), nullable=True))
    with op.batch_alter_table("sites") as batch:
        batch.add_column(sa.Column("render_js", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("render_js")
    with op.batch_alter_table("pages") as batch:
        batch.drop_column("revisit_offset")
        batch.drop_column("revisit_file")
        batch.drop_column("ip_address")
