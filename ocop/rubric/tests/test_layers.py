"""The rubric reads top-down: the data's rules, the pure engine over the data files, loading
the files into rows, the models, then the services and the pages. Each module imports only from
the layers below it, and only at the top of the module: an import inside a function (the usual
way around an import cycle) fails here, as does a new module that no layer names."""

import ast
from pathlib import Path

from django.test import SimpleTestCase

RUBRIC = Path(__file__).resolve().parent.parent

# Lowest first. A module may import the modules of the layers before its own, never its own
# layer's or a later one's.
LAYERS = (
    ("validation",),  # the rules every data file must meet (pure)
    ("engine", "converter"),  # scoring over the files; the decision's HTML to files (pure)
    ("gaps",),  # what the next star needs (pure)
    ("loading",),  # where the versions live; files to rows and back
    ("layout",),  # a sheet in printed order, for the screens
    ("models",),
    ("services",),
    ("admin", "apps", "views", "management"),
    ("urls",),
)
# Plain Python: no Django, nothing else of the project but these modules.
PURE = {"validation", "engine", "converter", "gaps"}
LAYER_OF = {name: index for index, names in enumerate(LAYERS) for name in names}


def rubric_modules():
    """(layer name, path) of every module of the app but its tests and migrations."""
    for path in sorted(RUBRIC.rglob("*.py")):
        parts = path.relative_to(RUBRIC).with_suffix("").parts
        if parts[0] in ("tests", "migrations") or parts == ("__init__",):
            continue
        yield parts[0], path


def imported_modules(tree, path):
    """(absolute module, is at the top of the file) for every import of ``tree``."""
    package = ["ocop", "rubric", *path.relative_to(RUBRIC).parent.parts]
    top_level = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, id(node) in top_level
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module
            if node.module is None or module in ("ocop.rubric", "ocop"):
                for alias in node.names:
                    yield f"{module}.{alias.name}", id(node) in top_level
            else:
                yield module, id(node) in top_level


class LayerTests(SimpleTestCase):
    def test_every_module_sits_in_a_layer(self):
        unknown = {name for name, _path in rubric_modules()} - set(LAYER_OF)
        self.assertEqual(unknown, set(), "add the new module to LAYERS")

    def test_modules_import_only_lower_layers_and_only_at_the_top(self):
        problems = []
        for name, path in rubric_modules():
            tree = ast.parse(path.read_text())
            for module, at_top in imported_modules(tree, path):
                if not module.startswith("ocop.rubric."):
                    continue
                target = module.split(".")[2]
                where = path.relative_to(RUBRIC)
                if target == name and path.parent != RUBRIC:
                    continue  # a package's modules (the converter's) import one another
                if not at_top:
                    problems.append(f"{where} imports {module} inside a function")
                elif target in LAYER_OF and LAYER_OF[target] >= LAYER_OF[name]:
                    problems.append(f"{where} ({name}) imports {module} from its layer or above")
        self.assertEqual(problems, [])

    def test_the_engine_and_the_data_rules_are_plain_python(self):
        """The pure part imports neither Django nor the rest of the project (so no model)."""
        problems = []
        for name, path in rubric_modules():
            if name not in PURE:
                continue
            for module, _at_top in imported_modules(ast.parse(path.read_text()), path):
                root = module.split(".")[0]
                allowed = module.startswith("ocop.rubric.") and module.split(".")[2] in PURE
                if root in ("django", "ocop") and not allowed:
                    problems.append(f"{path.relative_to(RUBRIC)} imports {module}")
        self.assertEqual(problems, [])
