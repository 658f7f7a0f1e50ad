"""page notes: what the reader should know about a page (turned before OCR, unreadable)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document_pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notes", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("document_pages", schema=None) as batch_op:
        batch_op.drop_column("notes")
