"""`python -m generator.sandbox.provider aws|tls|time|cloudinit|null`: the provider double, a Terraform plugin.

It speaks plugin protocol 6 over gRPC on a unix socket, announced with go-plugin's handshake line
`1|6|unix|SOCKET|grpc|CERT`, and serves the real provider schema. What it plans and applies is simulated:
planning.py (unknowns, replacement, tags), fabricate.py (made-up values), datasources.py, and the AWS rules.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent import futures
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc

from generator.sandbox import tfplugin6_pb2 as pb
from generator.sandbox.contracts import AttributePath, Refusal
from generator.sandbox.schemas import (
    NESTING_MAP,
    NESTING_SINGLE,
    PROVIDERS,
    BlockShape,
    TypeSchema,
    data_source_schema,
    resource_schema,
    schema_answer,
    schema_bytes,
)
from generator.sandbox.world import FileWorld

if TYPE_CHECKING:
    from generator.sandbox import planning

MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE"
MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
IMPORTED = b"ekstf-sandbox:imported"

_ERROR, _WARNING = 1, 2


def _diagnostic(summary: str, detail: str = "", path: AttributePath = (), severity: int = _ERROR) -> pb.Diagnostic:
    diagnostic = pb.Diagnostic(severity=severity, summary=summary, detail=detail)  # type: ignore[arg-type]
    for step in path:
        if isinstance(step, int):
            diagnostic.attribute.steps.add(element_key_int=step)
        else:
            diagnostic.attribute.steps.add(attribute_name=step)
    return diagnostic


def refusal_diagnostic(refusal: Refusal) -> pb.Diagnostic:
    return _diagnostic(
        f"[{refusal.rule_id}] {refusal.error}",
        "Refused by the ekstf sandbox's simulated AWS (see docs/sandbox.md, AWS rules).",
        refusal.attribute,
    )


def guarded(fn: Callable[[Any, Any], Any], response_type: Any, rpc: str) -> Callable[[Any, Any], Any]:
    """`fn` answering any exception it raises as an error diagnostic (naming the RPC, the resource type and the
    error) in an empty `response_type`, instead of the gRPC failure Terraform reports as "Plugin error"."""
    if response_type is None or "diagnostics" not in response_type.DESCRIPTOR.fields_by_name:
        return fn

    def handler(request: Any, context: Any) -> Any:
        try:
            return fn(request, context)
        except Exception as error:  # every failure becomes a diagnostic, never a gRPC crash
            type_name = getattr(request, "type_name", "") or "the provider"
            response = response_type()
            response.diagnostics.append(
                _diagnostic(
                    f"ekstf sandbox: {rpc} of {type_name} failed: {type(error).__name__}: {error}",
                    "The sandbox's provider double could not handle this request (a defect in ekstf's simulated "
                    "AWS, not in your configuration, unless the message says otherwise).",
                )
            )
            return response

    return handler


def _path_message(path: AttributePath) -> pb.AttributePath:
    message = pb.AttributePath()
    for step in path:
        if isinstance(step, int):
            message.steps.add(element_key_int=step)
        else:
            message.steps.add(attribute_name=step)
    return message


def empty_object(shape: BlockShape) -> dict[str, Any]:
    value: dict[str, Any] = dict.fromkeys(shape.attributes)
    for name, nested in shape.blocks.items():
        value[name] = None if nested.nesting == NESTING_SINGLE else ({} if nested.nesting == NESTING_MAP else [])
    return value


_IMPORT_FIELDS: dict[str, Sequence[str]] = {
    "aws_eks_node_group": ("cluster_name", "node_group_name"),
    "aws_eks_addon": ("cluster_name", "addon_name"),
    "aws_eks_fargate_profile": ("cluster_name", "fargate_profile_name"),
    "aws_eks_access_entry": ("cluster_name", "principal_arn"),
}


def _import_state(type_name: str, shape: BlockShape, object_id: str) -> dict[str, Any]:
    state = empty_object(shape)
    state["id"] = object_id
    fields = _IMPORT_FIELDS.get(type_name)
    if fields:
        for name, part in zip(fields, object_id.split(":", len(fields) - 1), strict=False):
            if name in state:
                state[name] = part
    elif "name" in shape.attributes and not object_id.startswith("arn:"):
        state["name"] = object_id
    elif "arn" in shape.attributes and object_id.startswith("arn:"):
        state["arn"] = object_id
    return state


class ProviderDouble:
    """The RPC handlers of one provider process (Terraform starts one per provider configuration)."""

    def __init__(self, provider: str, world: FileWorld) -> None:
        self.provider = provider
        self.world = world
        from generator.sandbox.fabricate import Context

        self.context = Context(
            region=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        )
        self.stopped = threading.Event()

    # --- schema ------------------------------------------------------------------------------------------

    def get_metadata(self, request: pb.Empty, context: Any) -> pb.GetMetadataResponse:
        answer = schema_answer(self.provider)
        response = pb.GetMetadataResponse()
        response.server_capabilities.get_provider_schema_optional = True
        for name in answer.resource_schemas:
            response.resources.add(type_name=name)
        for name in answer.data_source_schemas:
            response.data_sources.add(type_name=name)
        return response

    def get_provider_schema(self, request: pb.Empty, context: Any) -> bytes:
        return schema_bytes(self.provider)

    def _behaviour(self, type_name: str) -> planning.Behaviour:
        from generator.sandbox import aws_layer, planning

        if self.provider != "aws":
            return planning.Behaviour()
        known = aws_layer.behaviour(type_name)
        return planning.Behaviour(known.force_new, known.computed_blocks, known.nested_computed_blocks, known.defaults)

    def _resource(self, type_name: str) -> TypeSchema | None:
        return resource_schema(self.provider, type_name)

    # --- validation and configuration -------------------------------------------------------------------

    def validate_provider_config(self, request: pb.ProviderConfigRequest, context: Any) -> pb.ProviderConfigDiagnostics:
        return pb.ProviderConfigDiagnostics()

    def validate_config(self, request: pb.ConfigRequest, context: Any) -> pb.Diagnostics:
        return pb.Diagnostics()

    def configure_provider(self, request: pb.ConfigureProviderRequest, context: Any) -> pb.Diagnostics:
        from generator.sandbox.values import decode

        config = decode(request.config.msgpack) or {}
        if self.provider == "aws" and isinstance(config, dict):
            region = config.get("region")
            if isinstance(region, str) and region:
                self.context.region = region
            default_tags = config.get("default_tags") or []
            if isinstance(default_tags, list) and default_tags and isinstance(default_tags[0], dict):
                tags = default_tags[0].get("tags")
                self.context.default_tags = dict(tags) if isinstance(tags, dict) else {}
        return pb.Diagnostics()

    # --- managed resources ------------------------------------------------------------------------------

    def upgrade_resource_state(
        self, request: pb.UpgradeResourceStateRequest, context: Any
    ) -> pb.UpgradeResourceStateResponse:
        from generator.sandbox.values import encode

        schema = self._resource(request.type_name)
        response = pb.UpgradeResourceStateResponse()
        if schema is None:
            response.diagnostics.append(_diagnostic(f"unknown resource type {request.type_name}"))
            return response
        if not request.raw_state.json:
            response.diagnostics.append(_diagnostic("the sandbox cannot upgrade a flatmap state"))
            return response
        response.upgraded_state.msgpack = encode(json.loads(request.raw_state.json), schema.cty_type)
        return response

    def read_resource(self, request: pb.ReadResourceRequest, context: Any) -> pb.ReadResourceResponse:
        from generator.sandbox import planning
        from generator.sandbox.fabricate import Fabricator
        from generator.sandbox.values import conform, decode, encode

        schema = self._resource(request.type_name)
        response = pb.ReadResourceResponse(private=request.private)
        if schema is None:
            response.diagnostics.append(_diagnostic(f"unknown resource type {request.type_name}"))
            return response
        state = decode(request.current_state.msgpack)
        if request.private == IMPORTED and isinstance(state, dict):
            known = self.world.by_id(request.type_name, str(state.get("id")))
            if known is not None:
                state = conform(dict(known), schema.cty_type)
            else:
                unknown = planning.mark_unknown(schema.shape, state, {})
                state = Fabricator(self.context, request.type_name, f"{request.type_name}|{state.get('id')}").fill(
                    schema.shape, unknown
                )
        response.new_state.msgpack = encode(state, schema.cty_type)
        return response

    def plan_resource_change(
        self, request: pb.PlanResourceChangeRequest, context: Any
    ) -> pb.PlanResourceChangeResponse:
        from generator.sandbox import aws_layer, planning
        from generator.sandbox.values import decode, encode

        schema = self._resource(request.type_name)
        response = pb.PlanResourceChangeResponse(planned_private=request.prior_private, legacy_type_system=True)
        if schema is None:
            response.diagnostics.append(_diagnostic(f"unknown resource type {request.type_name}"))
            return response
        prior = decode(request.prior_state.msgpack)
        proposed = decode(request.proposed_new_state.msgpack)
        config = decode(request.config.msgpack)
        aws = self.provider == "aws"
        planned = planning.plan(
            schema,
            prior,
            proposed,
            config,
            self.context,
            self._behaviour(request.type_name),
            imported=request.prior_private == IMPORTED,
        )
        if aws and isinstance(planned.values, dict):
            view = planning.request_view(schema.shape, planned.values, config)
            for refusal in aws_layer.check(request.type_name, view, self.world):
                response.diagnostics.append(refusal_diagnostic(refusal))
        response.planned_state.msgpack = encode(planned.values, schema.cty_type)
        for path in planned.requires_replace:
            response.requires_replace.append(_path_message(path))
        return response

    def apply_resource_change(
        self, request: pb.ApplyResourceChangeRequest, context: Any
    ) -> pb.ApplyResourceChangeResponse:
        from generator.sandbox import aws_layer, planning
        from generator.sandbox.values import decode, encode

        schema = self._resource(request.type_name)
        response = pb.ApplyResourceChangeResponse(legacy_type_system=True)
        if schema is None:
            response.diagnostics.append(_diagnostic(f"unknown resource type {request.type_name}"))
            return response
        prior = decode(request.prior_state.msgpack)
        planned = decode(request.planned_state.msgpack)
        type_name = request.type_name
        if planned is not None and self.provider == "aws":
            view = planning.request_view(schema.shape, planned, decode(request.config.msgpack), applying=True)
            refusals = aws_layer.check(type_name, view, self.world)
            if refusals:
                response.diagnostics.extend(refusal_diagnostic(refusal) for refusal in refusals)
                response.new_state.msgpack = encode(prior, schema.cty_type)
                return response
        taken = self.world.ids(type_name)
        new = planning.apply(
            type_name, schema, prior, planned, self.context, taken=lambda object_id: object_id in taken
        )
        if (
            isinstance(prior, dict)
            and isinstance(prior.get("id"), str)
            and (new is None or new.get("id") != prior["id"])
        ):
            self.world.remove(type_name, prior["id"])
        if isinstance(new, dict) and isinstance(new.get("id"), str):
            self.world.put(type_name, new["id"], new)
        response.new_state.msgpack = encode(new, schema.cty_type)
        return response

    def import_resource_state(
        self, request: pb.ImportResourceStateRequest, context: Any
    ) -> pb.ImportResourceStateResponse:
        from generator.sandbox.values import encode

        schema = self._resource(request.type_name)
        response = pb.ImportResourceStateResponse()
        if schema is None:
            response.diagnostics.append(_diagnostic(f"unknown resource type {request.type_name}"))
            return response
        state = _import_state(request.type_name, schema.shape, request.id)
        imported = response.imported_resources.add(type_name=request.type_name, private=IMPORTED)
        imported.state.msgpack = encode(state, schema.cty_type)
        return response

    def move_resource_state(self, request: pb.Empty, context: Any) -> pb.MoveResourceStateResponse:
        response = pb.MoveResourceStateResponse()
        response.diagnostics.append(_diagnostic("the ekstf sandbox does not move resources between types"))
        return response

    # --- data sources -----------------------------------------------------------------------------------

    def read_data_source(self, request: pb.ReadDataSourceRequest, context: Any) -> pb.ReadDataSourceResponse:
        from generator.sandbox import datasources
        from generator.sandbox.values import decode, encode

        schema = data_source_schema(self.provider, request.type_name)
        response = pb.ReadDataSourceResponse()
        if schema is None:
            response.diagnostics.append(_diagnostic(f"unknown data source {request.type_name}"))
            return response
        config = decode(request.config.msgpack)
        try:
            values = datasources.read(request.type_name, schema, config, self.context, self.world)
        except datasources.DataSourceError as error:  # the configuration's own fault, as the provider reports it
            response.diagnostics.append(_diagnostic(str(error), f"data source {request.type_name}"))
            return response
        response.state.msgpack = encode(values, schema.cty_type)
        return response

    # --- the rest -----------------------------------------------------------------------------------------

    def get_functions(self, request: pb.Empty, context: Any) -> pb.GetFunctionsResponse:
        return pb.GetFunctionsResponse()

    def get_resource_identity_schemas(self, request: pb.Empty, context: Any) -> pb.GetResourceIdentitySchemasResponse:
        return pb.GetResourceIdentitySchemasResponse()

    def stop_provider(self, request: pb.Empty, context: Any) -> pb.StopProviderResponse:
        return pb.StopProviderResponse()

    def shutdown(self, request: bytes, context: Any) -> bytes:
        self.stopped.set()
        return b""

    def health_check(self, request: bytes, context: Any) -> bytes:
        return b"\x08\x01"  # HealthCheckResponse{status: SERVING}

    def provider_rpcs(self) -> dict[str, tuple[Callable[[Any, Any], Any], Any, Any]]:
        """tfplugin6.Provider: RPC name -> (handler, request type, response type or None for raw bytes)."""
        return {
            "GetMetadata": (self.get_metadata, pb.Empty, pb.GetMetadataResponse),
            "GetProviderSchema": (self.get_provider_schema, pb.Empty, None),
            "ValidateProviderConfig": (
                self.validate_provider_config,
                pb.ProviderConfigRequest,
                pb.ProviderConfigDiagnostics,
            ),
            "ValidateResourceConfig": (self.validate_config, pb.ConfigRequest, pb.Diagnostics),
            "ValidateDataResourceConfig": (self.validate_config, pb.ConfigRequest, pb.Diagnostics),
            "UpgradeResourceState": (
                self.upgrade_resource_state,
                pb.UpgradeResourceStateRequest,
                pb.UpgradeResourceStateResponse,
            ),
            "GetResourceIdentitySchemas": (
                self.get_resource_identity_schemas,
                pb.Empty,
                pb.GetResourceIdentitySchemasResponse,
            ),
            "ConfigureProvider": (self.configure_provider, pb.ConfigureProviderRequest, pb.Diagnostics),
            "ReadResource": (self.read_resource, pb.ReadResourceRequest, pb.ReadResourceResponse),
            "PlanResourceChange": (
                self.plan_resource_change,
                pb.PlanResourceChangeRequest,
                pb.PlanResourceChangeResponse,
            ),
            "ApplyResourceChange": (
                self.apply_resource_change,
                pb.ApplyResourceChangeRequest,
                pb.ApplyResourceChangeResponse,
            ),
            "ImportResourceState": (
                self.import_resource_state,
                pb.ImportResourceStateRequest,
                pb.ImportResourceStateResponse,
            ),
            "MoveResourceState": (self.move_resource_state, pb.Empty, pb.MoveResourceStateResponse),
            "ReadDataSource": (self.read_data_source, pb.ReadDataSourceRequest, pb.ReadDataSourceResponse),
            "GetFunctions": (self.get_functions, pb.Empty, pb.GetFunctionsResponse),
            "StopProvider": (self.stop_provider, pb.Empty, pb.StopProviderResponse),
        }

    def handlers(self) -> list[grpc.GenericRpcHandler]:
        def serialize(message: Any) -> bytes:
            return bytes(message) if isinstance(message, bytes) else message.SerializeToString()

        def raw(data: bytes) -> bytes:
            return data

        def method(fn: Callable[[Any, Any], Any], request_type: Any) -> grpc.RpcMethodHandler:
            deserializer = raw if request_type is None else request_type.FromString
            return grpc.unary_unary_rpc_method_handler(
                fn, request_deserializer=deserializer, response_serializer=serialize
            )

        provider = {
            rpc: method(guarded(fn, response_type, rpc), request_type)
            for rpc, (fn, request_type, response_type) in self.provider_rpcs().items()
        }
        return [
            grpc.method_handlers_generic_handler("tfplugin6.Provider", provider),
            grpc.method_handlers_generic_handler("plugin.GRPCController", {"Shutdown": method(self.shutdown, None)}),
            grpc.method_handlers_generic_handler("grpc.health.v1.Health", {"Check": method(self.health_check, None)}),
        ]


# A Unix socket path holds at most 107 bytes; a deep TMPDIR (pytest, CI) would make gRPC refuse to bind.
_SOCKET_PATH_LIMIT = 107
_SOCKET_NAME = "plugin.sock"


def _private_socket_dir() -> Path:
    """A new 0700 directory for the plugin socket, under TMPDIR unless that path would be too long."""
    base = tempfile.gettempdir()
    if len(base) + len("/ekstf-provider-XXXXXXXX/") + len(_SOCKET_NAME) > _SOCKET_PATH_LIMIT:
        base = "/tmp"
    socket_dir = Path(tempfile.mkdtemp(prefix="ekstf-provider-", dir=base))
    socket_dir.chmod(0o700)
    return socket_dir


def serve(provider: str, *, resident: bool = False) -> int:
    """Serve until Terraform says Shutdown (or SIGTERM).

    `resident`: a long-lived double that Terraform reattaches to (TF_REATTACH_PROVIDERS) instead of starting one
    process per provider instance; go-plugin connects to reattached providers without TLS, so the socket's 0700
    directory is what keeps others out."""
    if not resident and os.environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        print(
            "This is the ekstf sandbox's provider double, a Terraform plugin: Terraform starts it "
            "(see `ekstf sandbox`).",
            file=sys.stderr,
        )
        return 1
    socket_dir = _private_socket_dir()
    double = ProviderDouble(provider, FileWorld.from_environment())
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=16),
        options=[("grpc.max_receive_message_length", 256 << 20), ("grpc.max_send_message_length", 256 << 20)],
    )
    for handler in double.handlers():
        server.add_generic_rpc_handlers((handler,))
    socket_path = socket_dir / _SOCKET_NAME
    certificate = ""
    if resident:
        server.add_insecure_port(f"unix:{socket_path}")
    else:
        from generator.sandbox import tls

        identity = tls.load()
        credentials = grpc.ssl_server_credentials([(identity.key_pem, identity.cert_pem)], require_client_auth=False)
        server.add_secure_port(f"unix:{socket_path}", credentials)
        certificate = identity.handshake_cert
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Terraform handles Ctrl-C and tells us to stop, as go-plugin does
    signal.signal(signal.SIGTERM, lambda signum, frame: double.stopped.set())
    server.start()
    if resident:  # nobody stops us if our parent dies: watch it
        parent = os.getppid()

        def watch_parent() -> None:
            while not double.stopped.wait(1.0):
                if os.getppid() != parent:
                    double.stopped.set()

        threading.Thread(target=watch_parent, daemon=True).start()
    try:
        sys.stdout.write(f"1|6|unix|{socket_path}|grpc|{certificate}\n")
        sys.stdout.flush()
        double.stopped.wait()
    finally:
        server.stop(grace=None)
        with contextlib.suppress(OSError):
            shutil.rmtree(socket_dir)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    resident = args[:1] == ["--resident"]
    args = args[1:] if resident else args
    if len(args) != 1 or args[0] not in PROVIDERS:
        print(f"usage: python -m generator.sandbox.provider [--resident] {'|'.join(PROVIDERS)}", file=sys.stderr)
        return 2
    return serve(args[0], resident=resident)


if __name__ == "__main__":
    raise SystemExit(main())
