"""Let moto's DynamoDB hold a programme's year: transactions cost their items, queries their partition.

Applied by the local server when it embeds moto, and by the tests' in-process moto (``tests/conftest.py``);
never in Lambda, never against a ``moto_server`` of its own process. Nine changes to moto 5.2.5:

1. ``TransactWriteItems``. moto deep-copies every table a transaction touches, so that it can put the
   copy back if an item fails: the cost grows with the table, and moto's ``BaseModel`` tracker
   (``Table.instances_tracked``) keeps every copy alive, so memory grows with tables x transactions (a bare
   moto script: 1,000 two-item transactions → 2.4 GB). Here the same loop runs, in the same order and
   with the same calls, but just before an item is written its current version (one item) goes into a
   journal; if the transaction is cancelled the journal is played back, newest first. Nothing outlives the
   call. What DynamoDB promises is kept: all or nothing (including on a validation error, where moto
   itself rolls back), ``CancellationReasons`` in item order with ``None`` for items that passed,
   ``ReturnValuesOnConditionCheckFailure``, one operation per item, at most 100 items, moto's own
   validation errors. ``tests/integration/test_moto_transactions.py`` runs one corpus against patched and
   unpatched moto and compares answers and tables. A table with a stream keeps moto's own code (its
   stream records would need undoing too; Canger's tables have no stream).

2. Instance tracking of items. moto appends every ``Item`` it creates to ``Item.instances_tracked`` (for its
   dashboard) and never lets go: each put, each update's before-image, each query result's copy. Items
   are not tracked here, so an overwritten item is garbage like any other object.

3. ``Query``. moto's ``Table.query`` sorts the whole table and walks it for every Query, on the table or an
   index. Here it is handed only the candidates: the partition itself for a table query; for an index
   query, the items a map kept beside the table (index → partition key value → item keys) names. The map
   is built on the first query of an index and then told of every put and update; a key whose item moved
   to another partition or was deleted is dropped when a query meets it. moto's own code still does all
   the matching, sorting, paging and filtering on those candidates, so the answer is the same.

4. EventBridge delivery. For every event it delivers to a target, moto parses the eight default input
   paths (``$.detail-type`` …) with ``jsonpath_ng.ext.parse``, which builds a whole parser each time
   (0.8 ms a path on this machine: 6 ms of every PutEvents). The parsed paths are kept here; a parsed
   path is only read by ``find``, so sharing it changes nothing.

5. Update expressions. For each Update (an ``UpdateItem``, or each Update of a transaction) moto parses the
   expression twice (once to validate the request, once to run it) and its validator deep-copies the parsed
   tree before resolving it against the item (twice for a new item); each of its ten passes over the tree
   rebuilds its map of node types at every node. Counters and tallies make these most of the local stack's
   CPU. Here a parsed expression is kept per expression text (moto only reads it: the validator works on its
   copy), the copy is made from the tree's pickle (a fifth of ``deepcopy``'s time, the same tree), and a
   pass's node types are kept per pass class (its map's keys are classes, fixed per class), and whether a
   class is one of them per (pass, class): moto asks ``isinstance`` against abstract classes at every node.

6. SQS receiving. For every message it hands out, moto checks the queue's retention period by building all
   of the queue's attributes, three times, and each build counts the visible messages, reading the clock
   twice per message: receiving a batch costs (batch x queue length) clock reads, a sixth of the local
   stack's CPU while the consumer has a backlog. Each send builds them too. Here the check reads the one
   attribute it needs, and the visible, delayed and in-flight messages are counted with one reading of the
   clock each.

7. Dispatch. moto lists a response class's methods (``inspect.getmembers``) on every request to find the
   action; they are kept per class.

8. Building an item. moto's item dict checks the 400 KB limit on every attribute it is given by adding up
   the sizes of all the attributes already there: an item of n attributes costs n² size computations (a
   stats counter item has hundreds). Here an item is built with a running total and the same check at each
   attribute, so the same item, or the same ``ItemSizeTooLarge`` at the same attribute, in n.

9. Condition expressions. moto lexes and parses a condition for every item that has one, twice in a
   transaction (once to validate the request, once to run it): ``attribute_not_exists(pk)`` thousands of
   times. Here the parsed condition is kept per (expression, names, values); moto's condition objects are
   only read once built. Names or values that are not plain JSON (bytes) are parsed as before.

Locking: moto is not thread-safe (a query can iterate a partition while a put changes it, and a
transaction's journal is only undone correctly if nobody writes in between), so the local server still
serializes its DynamoDB calls with ``canger_local.moto_guard``; under it a transaction is atomic.

When to drop: until moto's ``transact_write_items`` stops deep-copying tables (and ``Table.query``
stops walking the whole table, and EventBridge delivery stops re-parsing its paths) — check on each
moto upgrade. ``PATCHED_MOTO`` is the version this was written against;
``test_moto_transactions.py::test_the_patch_is_rechecked_when_moto_changes`` fails when the installed
moto differs, so whoever upgrades re-reads moto's code and drops or re-targets this.
"""

from __future__ import annotations

import copy
import functools
import inspect
import json
import pickle
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import jsonpath_ng.ext
from moto.core import responses as moto_responses
from moto.core.utils import unix_time, unix_time_millis
from moto.dynamodb.comparisons import ConditionExpressionParser, get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    ItemSizeTooLarge,
    MockValidationException,
    MultipleTransactionsException,
    ResourceNotFoundException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.models.table import GlobalSecondaryIndex, Table
from moto.dynamodb.models.utilities import bytesize
from moto.dynamodb.parsing import validators
from moto.dynamodb.parsing.ast_nodes import DepthFirstTraverser, Node, UpdateExpression
from moto.dynamodb.parsing.expressions import UpdateExpressionParser
from moto.sqs.models import Queue, SQSBackend

PATCHED_MOTO = "5.2.5"

_ORIGINAL: dict[str, Any] = {
    "transact_write_items": DynamoDBBackend.transact_write_items,
    "update_item": DynamoDBBackend.update_item,
    "put_item": Table.put_item,
    "query": Table.query,
    "all_items": Table.all_items,
    "jsonpath_parse": jsonpath_ng.ext.parse,
    "parse_update": UpdateExpressionParser.__dict__["make"],
    "validator_deepcopy": validators.deepcopy,
    "nodes_to_be_processed": DepthFirstTraverser.nodes_to_be_processed,
    "traverse_node_recursively": DepthFirstTraverser.traverse_node_recursively,
    "retention": SQSBackend.is_message_valid_based_on_retention_period,
    "messages": Queue.messages,
    "delayed": Queue.approximate_number_of_messages_delayed,
    "not_visible": Queue.approximate_number_of_messages_not_visible,
    "method_names": moto_responses.method_names_from_class,
    "item_init": Item.__init__,
    "condition_parse": ConditionExpressionParser.parse,
}
_QUERY_SIGNATURE = inspect.signature(Table.query)
_applied = False


# 1. TransactWriteItems ----------------------------------------------------------------------------


@dataclass
class _Journal:
    """The items a transaction is about to write, as they were before it: what undoing needs."""

    before: list[tuple[Table, DynamoType, DynamoType | None, Item | None]] = field(default_factory=list)

    def remember(self, table: Table, key: dict[str, Any]) -> None:
        # The transaction already read this key (backend.get_item), so it is a complete, valid key.
        hash_key = DynamoType(key[table.hash_key_attr])
        range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
        current = table.get_item(hash_key, range_key)
        # A copy: an update changes the stored item in place.
        self.before.append((table, hash_key, range_key, copy.deepcopy(current)))

    def undo(self) -> None:
        for table, hash_key, range_key, item in reversed(self.before):
            if item is not None:
                if range_key is None:
                    table.items[hash_key] = item  # type: ignore[assignment]  # moto types every partition as a dict
                else:
                    table.items[hash_key][range_key] = item
                _index_item(table, item)
            elif range_key is None:
                table.items.pop(hash_key, None)
            elif (partition := table.items.get(hash_key)) is not None:
                partition.pop(range_key, None)
                if not partition:
                    del table.items[hash_key]  # as if the partition had never been written
        self.before.clear()


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    """moto's ``DynamoDBBackend.transact_write_items`` with a journal of items instead of copies of tables.

    The loop is moto 5.2.5's, line for line, so conditions, errors and their order are moto's.
    """
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    for item in transact_items:
        _, op = next(iter(item.items()))
        table = self.tables.get(op["TableName"]) if isinstance(op, dict) and "TableName" in op else None
        if table is not None and table.stream_shard is not None:
            return _ORIGINAL["transact_write_items"](self, transact_items)

    journal = _Journal()
    target_items: set[tuple[str, str]] = set()

    def check_unicity(table_name: str, key: dict[str, Any]) -> None:
        item = (str(table_name), str(dict(sorted(key.items()))))
        if item in target_items:
            raise MultipleTransactionsException()
        target_items.add(item)

    errors: list[tuple[str, str, dict[str, Any]] | tuple[None, None, None]] = []  # [(Code, Message, Item), ..]
    try:
        for item in transact_items:
            original_item: dict[str, Any] | None = None
            if len(list(item.keys())) > 1:
                raise TransactWriteSingleOpException
            try:
                op_type, op = next(iter(item.items()))
                if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                    raise ValueError("Unsupported transaction operation")

                table_name = op["TableName"]
                condition_expression = op.get("ConditionExpression")
                expression_attribute_names = op.get("ExpressionAttributeNames")
                expression_attribute_values = op.get("ExpressionAttributeValues")
                return_values_on_condition_check_failure = op.get("ReturnValuesOnConditionCheckFailure")

                if op_type == "Put":
                    attrs = op["Item"]
                    table = self.get_table(table_name)
                    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                    if table.range_key_attr is not None:
                        key[table.range_key_attr] = attrs[table.range_key_attr]
                else:
                    key = op["Key"]

                check_unicity(table_name, key)

                current = self.get_item(table_name, key)
                if condition_expression is not None:
                    condition_op = get_filter_expression(
                        condition_expression, expression_attribute_names, expression_attribute_values
                    )
                    if not condition_op.expr(current):
                        if return_values_on_condition_check_failure == "ALL_OLD" and current:
                            original_item = current.to_json()["Attributes"]
                        raise ConditionalCheckFailed(item=original_item)

                if op_type in ("Put", "Delete", "Update"):
                    journal.remember(self.get_table(table_name), key)
                if op_type == "Put":
                    self.put_item(
                        table_name,
                        op["Item"],
                        condition_expression=condition_expression,
                        expression_attribute_names=expression_attribute_names,
                        expression_attribute_values=expression_attribute_values,
                    )
                elif op_type == "Delete":
                    self.delete_item(
                        table_name,
                        key,
                        condition_expression=condition_expression,
                        expression_attribute_names=expression_attribute_names,
                        expression_attribute_values=expression_attribute_values,
                    )
                elif op_type == "Update":
                    self.update_item(
                        table_name,
                        key,
                        update_expression=op["UpdateExpression"],
                        condition_expression=condition_expression,
                        expression_attribute_names=expression_attribute_names,
                        expression_attribute_values=expression_attribute_values,
                    )
                errors.append((None, None, None))
            except (MultipleTransactionsException, MockValidationException):
                raise  # moto rolls back and re-raises: the outer handler undoes the journal
            except ConditionalCheckFailed as e:
                errors.append(("ConditionalCheckFailed", str(e.message), original_item))  # type: ignore[arg-type]
            except Exception as e:  # moto reports any other failure as that item's reason
                errors.append((type(e).__name__, str(e), original_item))  # type: ignore[arg-type]

        if any(code is not None for code, _, _ in errors):
            raise TransactionCanceledException(errors)
    except BaseException:
        # Unlike moto, a second operation in one item also undoes the items before it: DynamoDB
        # validates the whole request before writing anything.
        journal.undo()
        raise
    return None


# 2. Items are not tracked -------------------------------------------------------------------------


def _untracked_new(cls: type, *args: Any, **kwargs: Any) -> Any:
    return object.__new__(cls)


# 3. Queries walk their partition ------------------------------------------------------------------

_INDEX_MAPS = "_canger_index_maps"  # Table attribute: {index name: (partition key attribute, {value: keys})}
_narrowed = threading.local()  # during one query: (table, its candidate items)


def _add(by_value: dict[DynamoType, set[tuple[Any, Any]]], attribute: str, item: Item) -> None:
    value = item.attrs.get(attribute)
    # Key attributes are strings, numbers or binary; any other type can never match a key condition.
    if value is not None and value.type in ("S", "N", "B"):
        by_value[value].add((item.hash_key, item.range_key))


def _index_item(table: Table, item: Item) -> None:
    """Tell the table's index maps (those built so far) where ``item`` now belongs."""
    for attribute, by_value in getattr(table, _INDEX_MAPS, {}).values():
        _add(by_value, attribute, item)


def _stored(table: Table, hash_key: DynamoType, range_key: DynamoType | None) -> Item | None:
    partition = table.items.get(hash_key)  # .get: table.items is a defaultdict
    if range_key is None or partition is None:
        return partition if isinstance(partition, Item) else None
    return partition.get(range_key)


def _index_map(table: Table, index_name: str, attribute: str) -> dict[DynamoType, set[tuple[Any, Any]]]:
    maps = table.__dict__.setdefault(_INDEX_MAPS, {})
    known = maps.get(index_name)
    if known is None or known[0] != attribute:
        # The first query of this index (or it was re-created on another attribute): one walk, then kept up.
        by_value: dict[DynamoType, set[tuple[Any, Any]]] = defaultdict(set)
        for item in _ORIGINAL["all_items"](table):
            _add(by_value, attribute, item)
        maps[index_name] = (attribute, by_value)
    return maps[index_name][1]


def _candidates(table: Table, hash_key: DynamoType | None, index_name: str | None, conditions: Any) -> list | None:
    """The items that can match the query's partition key, in moto's order; None: let moto walk them all."""
    if not index_name:
        if hash_key is None:
            return None
        partition = table.items.get(hash_key)
        if partition is None:
            return []
        if not table.range_key_attr:
            return [partition]
        return _in_order(list(partition.values()), lambda item: (item.range_key.cast_value,))  # type: ignore[union-attr]  # a range table's items have one
    index = next((i for i in table.all_indexes() if i.name == index_name), None)
    if index is None:
        return None  # moto answers with its own validation error
    partition_keys = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
    values = [value for name, value in conditions or [] if partition_keys == [name]]
    if len(partition_keys) != 1 or len(values) != 1:
        return None
    attribute, value = partition_keys[0], values[0]
    keys = _index_map(table, index_name, attribute).get(value)
    if not keys:
        return []
    found: list[Item] = []
    for key in list(keys):
        item = _stored(table, *key)
        current = item.attrs.get(attribute) if item is not None else None
        # `current is None` first: moto's DynamoType.__ne__ fails when compared with None.
        if item is None or current is None or current != value:
            keys.discard(key)  # deleted, or moved to another partition of the index
            continue
        found.append(item)
    # The attributes moto sorts an index's items by (Table.query): the index's keys, then the table's.
    range_keys = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
    if not range_keys and isinstance(index, GlobalSecondaryIndex) and table.range_key_attr:
        range_keys = [table.range_key_attr]
    elif not range_keys:
        range_keys = [table.hash_key_attr]
    order = table._generate_attr_to_sort_by([*partition_keys, table.hash_key_attr], [*range_keys, table.range_key_attr])
    return _in_order(found, lambda item: tuple(item.attrs[name].cast_value for name in order))


def _in_order(items: list[Item], key: Callable[[Item], tuple]) -> list[Item]:
    """``items`` in the order moto's own sort will put them, sorted on plain values.

    moto sorts with ``DynamoType`` comparisons, a few microseconds each: O(n log n) of them made a
    community's listing three times slower at 20,000 appeals than at 2,000. Already in order, its sort
    makes n - 1 comparisons. Where plain values do not compare (a missing attribute, mixed types),
    moto's sort does all the work, as before.
    """
    try:
        return sorted(items, key=key)
    except (KeyError, TypeError):
        return items


def query(self: Table, *args: Any, **kwargs: Any) -> Any:
    bound = _QUERY_SIGNATURE.bind(self, *args, **kwargs).arguments
    candidates = _candidates(self, bound.get("hash_key"), bound.get("index_name"), bound.get("hash_key_conditions"))
    if candidates is None:
        return _ORIGINAL["query"](self, *args, **kwargs)
    outer = getattr(_narrowed, "current", None)
    _narrowed.current = (self, candidates)
    try:
        return _ORIGINAL["query"](self, *args, **kwargs)
    finally:
        _narrowed.current = outer


def all_items(self: Table) -> list[Item]:
    current = getattr(_narrowed, "current", None)
    if current is not None and current[0] is self:
        return current[1]
    return _ORIGINAL["all_items"](self)


def put_item(self: Table, *args: Any, **kwargs: Any) -> Item:
    item = _ORIGINAL["put_item"](self, *args, **kwargs)
    _index_item(self, item)
    return item


def update_item(self: DynamoDBBackend, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Item:
    try:
        return _ORIGINAL["update_item"](self, table_name, key, *args, **kwargs)
    finally:
        # Updates change the stored item in place, even (in moto) part way through a failing one.
        _index_updated(self, table_name, key)


def _index_updated(backend: DynamoDBBackend, table_name: str, key: dict[str, Any]) -> None:
    try:
        table = backend.get_table(table_name)  # by name or ARN, as update_item finds it
        hash_key, range_key = backend.get_keys_value(table, key)
    except (ResourceNotFoundException, MockValidationException):
        return  # the update failed before it could touch an item
    item = _stored(table, hash_key, range_key)
    if item is not None:
        _index_item(table, item)


# 5. Update expressions -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def _parsed_update(expression: str) -> Node:
    return _ORIGINAL["parse_update"].__func__(UpdateExpressionParser, expression)


def _parse_update(cls: type, expression: str) -> Node:
    if cls is not UpdateExpressionParser:  # a subclass parses in its own way
        return _ORIGINAL["parse_update"].__func__(cls, expression)
    return _parsed_update(expression)


def _copy_tree(value: Any, memo: dict | None = None) -> Any:
    """``copy.deepcopy`` for the validator: a whole parsed expression (the tree as parsed, holding no item
    values) by way of its pickle; anything else (``list_append``'s copy of a value) by ``deepcopy`` as before."""
    if isinstance(value, UpdateExpression) and value.parent is None and memo is None:
        return pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))  # noqa: S301 - our own bytes, just made
    return copy.deepcopy(value, memo)


_NODE_TYPES: dict[type, tuple[type, ...]] = {}


def _nodes_to_be_processed(self: DepthFirstTraverser) -> tuple[type, ...]:
    kind = type(self)
    if kind not in _NODE_TYPES:
        _NODE_TYPES[kind] = _ORIGINAL["nodes_to_be_processed"](self)
    return _NODE_TYPES[kind]


_IS_NODE: dict[type, bool] = {}
_PROCESSES: dict[tuple[type, type], bool] = {}


def _traverse_node_recursively(self: DepthFirstTraverser, node: Any, child_id: int = -1) -> Any:
    """moto's ``DepthFirstTraverser.traverse_node_recursively``, step for step, with its two ``isinstance``
    questions answered once per class (no class here is registered as a virtual subclass)."""
    kind = type(node)
    if kind not in _IS_NODE:
        _IS_NODE[kind] = isinstance(node, Node)
    if _IS_NODE[kind]:
        parent_node = node.parent
        if node.children is not None:
            for i, child_node in enumerate(node.children):
                self.pre_processing_of_child(node, i)
                self.traverse_node_recursively(child_node, i)
        pair = (type(self), kind)
        if pair not in _PROCESSES:
            _PROCESSES[pair] = isinstance(node, self.nodes_to_be_processed())
        if _PROCESSES[pair]:
            node = self.process(node)
            node.parent = parent_node
            if parent_node:
                parent_node.children[child_id] = node
    return node


# 6. SQS receiving ---------------------------------------------------------------------------------


def _retained(self: SQSBackend, queue_name: str, message: Any) -> bool:
    retention_seconds = int(self.get_queue(queue_name).message_retention_period)  # type: ignore[attr-defined]
    return retention_seconds + message.sent_timestamp / 1000 > unix_time()


def _visible_messages(self: Queue) -> list[Any]:
    now = unix_time_millis()
    return [message for message in self._messages if now > message.visible_at and now >= message.delayed_until]


def _delayed_count(self: Queue) -> int:
    now = unix_time_millis()
    return sum(1 for message in self._messages if now < message.delayed_until)


def _not_visible_count(self: Queue) -> int:
    now = unix_time_millis()
    return sum(1 for message in self._messages if now <= message.visible_at)


# 8. Building an item ------------------------------------------------------------------------------

_ITEM_LIMIT = 405_000  # moto's LimitedSizeDict: between DynamoDB's documented 400 KB and the 409-410 KB seen


def _item_init(self: Item, hash_key: DynamoType, range_key: DynamoType | None, attrs: dict[str, Any]) -> None:
    self.hash_key = hash_key
    self.range_key = range_key
    built = LimitedSizeDict()
    size = 0
    for key, value in attrs.items():
        typed = DynamoType(value)
        size += bytesize(key) + typed.size()
        if size > _ITEM_LIMIT:
            raise ItemSizeTooLarge
        dict.__setitem__(built, key, typed)
    self.attrs = built


# 9. Condition expressions -------------------------------------------------------------------------


@functools.lru_cache(maxsize=2048)
def _parsed_condition(expression: str | None, names: str, values: str) -> tuple[Any, tuple, tuple]:
    parser = ConditionExpressionParser(expression, json.loads(names), json.loads(values))
    op = _ORIGINAL["condition_parse"](parser)
    return op, tuple(parser.expr_attr_names_found), tuple(parser.expr_attr_values_found)


def _parse_condition(self: ConditionExpressionParser) -> Any:
    try:
        names = json.dumps(self.expression_attribute_names, sort_keys=True)
        values = json.dumps(self.expression_attribute_values, sort_keys=True)
    except TypeError:
        return _ORIGINAL["condition_parse"](self)
    op, names_found, values_found = _parsed_condition(self.condition_expression, names, values)
    self.expr_attr_names_found.extend(names_found)
    self.expr_attr_values_found.extend(values_found)
    return op


# Applying -----------------------------------------------------------------------------------------


def apply() -> None:
    """Patch moto in this process (idempotent)."""
    global _applied
    if _applied:
        return
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    DynamoDBBackend.update_item = update_item  # type: ignore[method-assign]
    Table.put_item = put_item  # type: ignore[method-assign]
    Table.query = query  # type: ignore[method-assign]
    Table.all_items = all_items  # type: ignore[method-assign]
    Item.__new__ = staticmethod(_untracked_new)  # type: ignore[method-assign]
    Item.instances_tracked.clear()  # type: ignore[attr-defined]
    # moto imports ``parse`` from the module at each delivery, so replacing the module's attribute is enough.
    jsonpath_ng.ext.parse = functools.lru_cache(maxsize=256)(_ORIGINAL["jsonpath_parse"])
    UpdateExpressionParser.make = classmethod(_parse_update)
    validators.deepcopy = _copy_tree
    DepthFirstTraverser.nodes_to_be_processed = _nodes_to_be_processed
    DepthFirstTraverser.traverse_node_recursively = _traverse_node_recursively
    SQSBackend.is_message_valid_based_on_retention_period = _retained  # type: ignore[method-assign]
    Queue.messages = property(_visible_messages)  # type: ignore[method-assign,assignment]
    Queue.approximate_number_of_messages_delayed = property(_delayed_count)  # type: ignore[method-assign,assignment]
    Queue.approximate_number_of_messages_not_visible = property(_not_visible_count)  # type: ignore[method-assign,assignment]
    moto_responses.method_names_from_class = functools.lru_cache(maxsize=None)(_ORIGINAL["method_names"])
    Item.__init__ = _item_init  # type: ignore[method-assign]
    ConditionExpressionParser.parse = _parse_condition  # type: ignore[method-assign]
    _applied = True


def remove() -> None:
    """Undo ``apply`` (the conformance test runs moto both ways in one process)."""
    global _applied
    if not _applied:
        return
    DynamoDBBackend.transact_write_items = _ORIGINAL["transact_write_items"]  # type: ignore[method-assign]
    DynamoDBBackend.update_item = _ORIGINAL["update_item"]  # type: ignore[method-assign]
    Table.put_item = _ORIGINAL["put_item"]  # type: ignore[method-assign]
    Table.query = _ORIGINAL["query"]  # type: ignore[method-assign]
    Table.all_items = _ORIGINAL["all_items"]  # type: ignore[method-assign]
    del Item.__new__  # back to BaseModel.__new__, which tracks
    jsonpath_ng.ext.parse = _ORIGINAL["jsonpath_parse"]
    UpdateExpressionParser.make = _ORIGINAL["parse_update"]
    validators.deepcopy = _ORIGINAL["validator_deepcopy"]
    DepthFirstTraverser.nodes_to_be_processed = _ORIGINAL["nodes_to_be_processed"]
    DepthFirstTraverser.traverse_node_recursively = _ORIGINAL["traverse_node_recursively"]
    SQSBackend.is_message_valid_based_on_retention_period = _ORIGINAL["retention"]  # type: ignore[method-assign]
    Queue.messages = _ORIGINAL["messages"]  # type: ignore[method-assign]
    Queue.approximate_number_of_messages_delayed = _ORIGINAL["delayed"]  # type: ignore[method-assign]
    Queue.approximate_number_of_messages_not_visible = _ORIGINAL["not_visible"]  # type: ignore[method-assign]
    moto_responses.method_names_from_class = _ORIGINAL["method_names"]
    Item.__init__ = _ORIGINAL["item_init"]  # type: ignore[method-assign]
    ConditionExpressionParser.parse = _ORIGINAL["condition_parse"]  # type: ignore[method-assign]
    _applied = False


def applied() -> bool:
    return _applied


@contextmanager
def unpatched() -> Iterator[None]:
    """moto as it ships, for the duration (restores the previous state after)."""
    was = _applied
    remove()
    try:
        yield
    finally:
        if was:
            apply()
