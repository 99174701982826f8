from sqlalchemy import select

from inbox.extensions import db
from inbox.models import User
from inbox.people.users import authenticate
from tests.factories import PASSWORD, make_department, make_user


def test_user_round_trip_and_password_check(app):
    frontline = make_department("innbyggjarservice", is_frontline=True)
    user = make_user(frontline, email="Kari@Alver.kommune.no")
    db.session.commit()
    assert db.session.scalar(select(User.email)) == "kari@alver.kommune.no"
    assert authenticate("KARI@alver.kommune.no", PASSWORD) == user
    assert authenticate("kari@alver.kommune.no", "wrong password") is None
    assert user.created_at.tzinfo is not None
