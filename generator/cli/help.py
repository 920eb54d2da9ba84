"""How `ekstf --help` reads: commands grouped in panels, plain value labels, the exit codes.

Typer labels every option with its Python annotation (`<list[Path]>`, `<bool>`, `<int range>`); users of
Terraform-style CLIs expect `FILE`, `TEXT`, `INTEGER` and no label at all on a flag. This module rewrites the labels
of the assembled click command tree once, so each command module only declares its options.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# Command name -> help panel, in the order the panels are shown (a panel appears once a command of it exists).
PANELS: dict[str, tuple[str, ...]] = {
    "Generate": ("init", "schema", "validate", "generate", "sandbox"),
    "Run": ("plan", "apply", "outputs", "kubeconfig", "destroy", "bootstrap-state", "doctor"),
    "Review": ("review",),
    "Migrate": ("migrate",),
    "Day 2": ("upgrade", "status", "scale"),
}
OTHER_PANEL = "Other"

EXIT_CODES_EPILOG = (
    "Exit codes: 0 ok (plan: no changes) · 1 a tool or AWS failed, a refusal, drift found · "
    "2 bad input (plan: changes pending) · 3 a review gate triggered · 130 interrupted."
)


def panel_of(command_name: str) -> str:
    for panel, names in PANELS.items():
        if command_name in names:
            return panel
    return OTHER_PANEL


def value_label(param: Any) -> str:
    """The label shown after an option: empty for a flag, else a short upper-case noun.

    Typer 0.29 builds parameters from annotations (its `type_descriptor`), not click types, so read that.
    """
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None:
        return "TEXT"
    choices = descriptor.choices
    if choices:
        return "|".join(str(getattr(choice, "value", choice)) for choice in choices)
    if descriptor.is_path:
        return "PATH"
    annotation = descriptor.annotation
    if descriptor.is_list:
        element = getattr(annotation, "__args__", (str,))[0]
        annotation = element
        if isinstance(element, type) and issubclass(element, Path):
            return "PATH"
    if annotation is bool:
        return ""
    if annotation is int:
        return "INTEGER"
    if annotation is float:
        return "NUMBER"
    if isinstance(annotation, type) and issubclass(annotation, Path):
        return "PATH"
    return "TEXT"


def _plain_argument(param: Any) -> None:
    """An argument reads as its upper-case name in the usage line and the table, with no type label."""
    name = str(param.name).upper()
    param.metavar = name
    # Typer 0.29 has no setting for these two; instance attributes override its methods for this object only.
    param.display_type_rich = lambda ctx: None
    param._usage_display_name = lambda: name if param.required else f"[{name}]"


def polish(root: Any) -> None:
    """Assign every command its panel and give every parameter a plain label (in place)."""
    root.epilog = EXIT_CODES_EPILOG
    root_context = root.context_class(root, info_name="ekstf", **root.context_settings)
    for param in [*root.params, root.get_help_option(root_context)]:
        if param is not None:
            param.metavar = value_label(param)
    for name, command in root.commands.items():
        command.rich_help_panel = panel_of(name)
        context = command.context_class(command, parent=root_context, info_name=name)
        for param in [*command.params, command.get_help_option(context)]:
            if param is None:
                continue
            if param.param_type_name == "argument":
                _plain_argument(param)
            else:
                # A label the command declared (metavar="DIR") says more than the type's (PATH).
                param.metavar = param.metavar or value_label(param)
