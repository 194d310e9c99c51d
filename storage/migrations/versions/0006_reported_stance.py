"""claims: the stance a condition claim has when its site sells no treatment

A page that reports someone's promise and refutes it (a consumer alert, an enforcement story)
disclaims that promise; one that only reports it mentions it. Extraction knows which (the
page's refutation and the cue that framed the claim), scoring learns only later whether the
site sells treatment: ``claims.reported_stance`` carries extraction's answer to the scoring.

Revision ID: 0006
Revises: 0005

It only adds a nullable column: claims extracted before it read as mentioned on a site that
sells no treatment, as they did, until the run is extracted again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


# Plain ADD/DROP COLUMN, not a batch copy of the table: the analyst views read `claims`, and
# SQLite refuses to rename a copy into place under them (DROP COLUMN needs SQLite 3.35+).
def upgrade() -> None:
    op.add_column("claims", sa.Column("reported_stance", sa.String(length=16), nullable=True))


def downgrade() -> None:
    op.drop_column("claims", "reported_stance")
