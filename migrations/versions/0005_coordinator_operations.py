"""coordinator operations: school details and outlying override, goal measure,
deactivated accounts, bulk messages

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 11:33:56.916032

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD_SCHOOL_TYPES = ("folkeskole", "friskole", "gymnasium", "erhvervsskole", "other")
NEW_SCHOOL_TYPES = ("folkeskole", "friskole", "efterskole", "gymnasium", "erhvervsskole", "other")


def _school_type(values):
    return sa.Enum(*values, name="school_type", native_enum=False, create_constraint=True, length=13)


def upgrade():
    op.create_table(
        "bulk_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column(
            "audience",
            sa.Enum("volunteers", "teachers", name="bulk_audience", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("subject", sa.String(length=150), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("opted_out", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_bulk_messages_author_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_messages")),
    )
    with op.batch_alter_table("bulk_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bulk_messages_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bulk_messages_created_at"), ["created_at"], unique=False)

    with op.batch_alter_table("programme_goals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "measure",
                sa.Enum("pupils", "classes", name="goal_measure", native_enum=False, create_constraint=True),
                nullable=False,
                server_default="pupils",
            )
        )
    # Until now a goal without a pupils figure was graded on classes; say so explicitly.
    op.execute("UPDATE programme_goals SET measure = 'classes' WHERE pupils_goal = 0")

    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.add_column(sa.Column("city", sa.String(length=80), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("phone", sa.String(length=32), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("outlying_reason", sa.String(length=300), nullable=True))
        batch_op.alter_column(
            "school_type",
            existing_type=_school_type(OLD_SCHOOL_TYPES),
            type_=_school_type(NEW_SCHOOL_TYPES),
            existing_nullable=False,
        )
    _classify_schools()

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True))


def _classify_schools():
    """Give existing schools their city and the official outlying classification.

    The flag was set by hand or at random before; from now on it follows Danmarks
    Statistik's municipality groups unless a coordinator overrides it with a reason.
    """
    from mentor import geo
    from mentor.geo.groups import is_outlying

    schools = sa.table(
        "schools",
        sa.column("id", sa.Integer),
        sa.column("postcode", sa.String),
        sa.column("municipality_code", sa.Integer),
        sa.column("city", sa.String),
        sa.column("outlying", sa.Boolean),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(schools.c.id, schools.c.postcode, schools.c.municipality_code)).all()
    for school_id, postcode, municipality_code in rows:
        try:
            city = geo.lookup(postcode).name
        except geo.UnknownPostcode:
            city = ""
        bind.execute(
            schools.update()
            .where(schools.c.id == school_id)
            .values(city=city, outlying=is_outlying(municipality_code))
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("deactivated_at")

    # Efterskoler did not exist as a type before; they were "other".
    op.execute("UPDATE schools SET school_type = 'other' WHERE school_type = 'efterskole'")
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.alter_column(
            "school_type",
            existing_type=_school_type(NEW_SCHOOL_TYPES),
            type_=_school_type(OLD_SCHOOL_TYPES),
            existing_nullable=False,
        )
        batch_op.drop_column("outlying_reason")
        batch_op.drop_column("phone")
        batch_op.drop_column("city")

    with op.batch_alter_table("programme_goals", schema=None) as batch_op:
        # SQLite's batch copy would keep the enum's CHECK on a column that is gone.
        batch_op.drop_constraint(batch_op.f("ck_programme_goals_goal_measure"), type_="check")
        batch_op.drop_column("measure")

    with op.batch_alter_table("bulk_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bulk_messages_created_at"))
        batch_op.drop_index(batch_op.f("ix_bulk_messages_author_id"))

    op.drop_table("bulk_messages")
