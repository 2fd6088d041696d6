"""Приказ о назначении куратора внедрения целевой модели наставничества."""

from docgen.kinds.fields import (
    ActForm,
    Bool,
    Date,
    Decimal,
    List,
    Nested,
    OrderForm,
    PersonForm,
    Str,
    TaskForm,
    field,
    one_of,
)
from docgen.kinds.orders.schema import not_negative, order_title

MODELS = ("обучающиеся", "педагоги", "обучающиеся и педагоги")


class CuratorOrderForm(OrderForm):
    title = order_title("О назначении куратора внедрения целевой модели наставничества")
    model = Str(
        load_default="обучающиеся и педагоги",
        validate=one_of(MODELS),
        metadata=field("Наставничество", "Кого охватывает целевая модель"),
    )
    curator = Nested(PersonForm, required=True, metadata=field("Куратор"))
    start_date = Date(required=True, metadata=field("Куратор с", "Дата начала обязанностей"))
    assign_duties = Bool(
        load_default=False,
        metadata=field("Возложить обязанности", "«Возложить на …» вместо «Назначить …»"),
    )
    regulation = Nested(
        ActForm,
        load_default=None,
        metadata=field("Положение о наставничестве", "Дата и номер приказа об утверждении"),
    )
    duties = List(
        Nested(TaskForm),
        required=True,
        metadata=field("Обязанности куратора", "Каждая со сроком исполнения"),
    )
    pay_amount = Decimal(
        load_default=None,
        validate=not_negative,
        metadata=field("Доплата, руб. в месяц", "Необязательно"),
    )
