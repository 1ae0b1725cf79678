"""Product register columns for analytics: product name and product group of a part number.

A report carries only its part number; the name and the groups come from the product register
(`storage.products`). A part number in several groups is counted under each; one without a
product or group has a null name/group.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.sql import FromClause

from ..storage.products import product_group_members, products
from ..storage.reference import product_groups
from ._match import match_text

__all__ = ["PRODUCT_DIMENSIONS", "in_product_group", "join_products"]

PRODUCT_DIMENSIONS = ("productName", "productGroup")


def in_product_group(part_number: ColumnElement[Any], pattern: str) -> ColumnElement[bool]:
    """`part_number` belongs to a product group whose name matches `pattern` (wildcards)."""
    p, m, g = products.c, product_group_members.c, product_groups.c
    members = (
        select(p.part_number)
        .join(product_group_members, m.product_id == p.product_id)
        .join(product_groups, g.product_group_id == m.product_group_id)
        .where(match_text(g.product_group_name, pattern))
    )
    return part_number.in_(members)


def join_products(
    source: FromClause, part_number: ColumnElement[Any], wanted: Collection[str]
) -> tuple[FromClause, dict[str, ColumnElement[Any]]]:
    """`source` outer-joined to the register as far as the `wanted` dimensions need, and the
    columns of those dimensions."""
    if not set(PRODUCT_DIMENSIONS) & set(wanted):
        return source, {}
    product = products.alias("product")
    source = source.outerjoin(product, product.c.part_number == part_number)
    columns: dict[str, ColumnElement[Any]] = {"productName": product.c.name}
    if "productGroup" in wanted:
        member = product_group_members.alias("member")
        group = product_groups.alias("product_group")
        source = source.outerjoin(member, member.c.product_id == product.c.product_id)
        source = source.outerjoin(group, group.c.product_group_id == member.c.product_group_id)
        columns["productGroup"] = group.c.product_group_name
    return source, columns
