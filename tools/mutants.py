"""The mutants of a module: each small change the mutation run makes, found by walking the
module's syntax tree (a comparison turned round, `and` for `or`, a constant changed, a `not`
or a minus dropped, a statement skipped, a result replaced by None)."""

from __future__ import annotations

import ast
from dataclasses import dataclass

COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
BINARY_SWAPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.FloorDiv,
    ast.FloorDiv: ast.Mult,
    ast.Div: ast.Mult,
    ast.Mod: ast.Mult,
    ast.Pow: ast.Mult,
}
DELETABLE = (ast.Expr, ast.Raise, ast.AugAssign, ast.Delete, ast.Continue, ast.Break)


@dataclass(frozen=True)
class Mutant:
    index: int
    line: int
    change: str  # "original → mutated", the key equivalent_mutants.md lists it by
    reached_on: frozenset[int]  # a test that runs any of these lines runs the mutated code


class Mutator(ast.NodeTransformer):
    """Walks a module in a fixed order, counting the places a mutation can go. With `target`
    set, the target-th place is changed; every walk lists the places it saw."""

    def __init__(self, target: int = -1) -> None:
        self.target = target
        self.seen: list[Mutant] = []
        self.statement_line = 0  # the first line of the statement being walked

    def _point(self, node: ast.AST, original: str, mutated: str) -> bool:
        index = len(self.seen)
        line = getattr(node, "lineno", 0)
        lines = range(line, (getattr(node, "end_lineno", None) or line) + 1)
        reached_on = frozenset((self.statement_line, *lines))
        self.seen.append(Mutant(index, line, f"{original} → {mutated}", reached_on))
        return index == self.target

    # What is never mutated: imports, annotations, docstrings, type-checking blocks.
    def visit_Import(self, node: ast.Import) -> ast.AST:
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        return node

    def visit_arg(self, node: ast.arg) -> ast.AST:
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        if node.value is not None:
            node.value = self.visit(node.value)
        return node

    def _body_without_docstring(self, body: list[ast.stmt]) -> list[ast.stmt]:
        first = body[0] if body else None
        is_docstring = (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        )
        rest = body[1:] if is_docstring else body
        return body[:1] * is_docstring + self._statements(rest)

    def _statements(self, body: list[ast.stmt]) -> list[ast.stmt]:
        result: list[ast.stmt] = []
        for statement in body:
            self.statement_line = statement.lineno
            is_deletable = isinstance(statement, DELETABLE) and not (
                isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
            )
            if is_deletable and self._point(statement, _short(statement), "pass"):
                result.append(ast.copy_location(ast.Pass(), statement))
                continue
            visited = self.visit(statement)
            result.extend(visited if isinstance(visited, list) else [visited])
        return result

    def visit_Module(self, node: ast.Module) -> ast.AST:
        node.body = self._body_without_docstring(node.body)
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        node.body = self._body_without_docstring(node.body)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.args.defaults = [self.visit(default) for default in node.args.defaults]
        node.args.kw_defaults = [
            self.visit(default) if default is not None else None
            for default in node.args.kw_defaults
        ]
        node.body = self._body_without_docstring(node.body)
        return node

    def visit_If(self, node: ast.If) -> ast.AST:
        if _is_type_checking(node.test):
            return node
        node.test = self.visit(node.test)
        node.body = self._statements(node.body)
        node.orelse = self._statements(node.orelse)
        return node

    def _generic_statements(self, node: ast.AST) -> ast.AST:
        for field_name, value in ast.iter_fields(node):
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                setattr(node, field_name, self._statements(value))
            elif isinstance(value, ast.AST):
                setattr(node, field_name, self.visit(value))
            elif isinstance(value, list):
                setattr(node, field_name, [self.visit(item) for item in value])
        return node

    visit_For = visit_While = visit_With = visit_Try = _generic_statements
    visit_ExceptHandler = _generic_statements

    # The mutations.
    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        for position, operator in enumerate(node.ops):
            swapped = COMPARE_SWAPS.get(type(operator))
            if swapped is None:
                continue
            original = ast.unparse(node)
            changed = ast.Compare(node.left, list(node.ops), node.comparators)
            changed.ops[position] = swapped()
            if self._point(node, original, ast.unparse(changed)):
                return ast.copy_location(changed, node)
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        changed = ast.BoolOp(other, node.values)
        if self._point(node, ast.unparse(node), ast.unparse(changed)):
            return ast.copy_location(changed, node)
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Not | ast.USub) and self._point(
            node, ast.unparse(node), ast.unparse(node.operand)
        ):
            return node.operand
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        swapped = BINARY_SWAPS.get(type(node.op))
        if swapped is None:
            return node
        changed = ast.BinOp(node.left, swapped(), node.right)
        if self._point(node, ast.unparse(node), ast.unparse(changed)):
            return ast.copy_location(changed, node)
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        # The literal parts only: a format spec must stay one.
        node.values = [
            self.visit(value) if isinstance(value, ast.Constant) else value for value in node.values
        ]
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        value = node.value
        if isinstance(value, bool):
            mutated: bool | int | str = not value
        elif isinstance(value, int):
            mutated = value + 1
        elif isinstance(value, str):
            mutated = f"XX{value}XX"
        else:
            return node
        if self._point(node, repr(value), repr(mutated)):
            return ast.copy_location(ast.Constant(mutated), node)
        return node

    def visit_Return(self, node: ast.Return) -> ast.AST:
        self.generic_visit(node)
        is_none = isinstance(node.value, ast.Constant) and node.value.value is None
        returns_something = node.value is not None and not is_none
        if returns_something and self._point(node, _short(node), "return None"):
            return ast.copy_location(ast.Return(ast.Constant(None)), node)
        return node


def _is_type_checking(test: ast.expr) -> bool:
    return "TYPE_CHECKING" in ast.unparse(test)


def _short(node: ast.AST) -> str:
    text = ast.unparse(node).splitlines()[0]
    return text if len(text) <= 70 else text[:67] + "..."


def mutants(source: str) -> list[Mutant]:
    walker = Mutator()
    walker.visit(ast.parse(source))
    return walker.seen


def mutated_source(source: str, index: int) -> str:
    tree = Mutator(index).visit(ast.parse(source))
    return ast.unparse(ast.fix_missing_locations(tree))
