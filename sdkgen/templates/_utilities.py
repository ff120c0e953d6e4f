
import functools
import importlib.metadata
import importlib.util
import json
import os
import sys
import typing
import warnings

import pulumi
import pulumi.runtime

from semver import VersionInfo as SemverVersion
from parver import Version as PEP440Version

C = typing.TypeVar("C", bound=typing.Callable[..., typing.Any])

# The spellings Go's strconv.ParseBool accepts, so that a variable means the same to every
# Pulumi SDK and provider.
_TRUE_WORDS = ("1", "t", "T", "true", "TRUE", "True")
_FALSE_WORDS = ("0", "f", "F", "false", "FALSE", "False")


def get_env(*args: str) -> typing.Optional[str]:
    """The value of the first of the given environment variables that is set."""
    for name in args:
        value = os.getenv(name)
        if value is not None:
            return value
    return None


def get_env_bool(*args: str) -> typing.Optional[bool]:
    text = get_env(*args)
    if text in _TRUE_WORDS:
        return True
    if text in _FALSE_WORDS:
        return False
    return None


def get_env_int(*args: str) -> typing.Optional[int]:
    text = get_env(*args)
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return None


def get_env_float(*args: str) -> typing.Optional[float]:
    text = get_env(*args)
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _get_semver_version() -> SemverVersion:
    # The distribution's own metadata is the single source of the version, which is why the SDK
    # must be installed (pip) rather than put on PYTHONPATH. The engine wants semver, while
    # Python packages carry PEP 440 versions, so the pre-release forms are translated back.
    root_package = __name__.split(".")[0]
    pep440 = PEP440Version.parse(importlib.metadata.version(root_package))
    release = tuple(pep440.release) + (0, 0, 0)
    major, minor, patch = release[0], release[1], release[2]
    prerelease: typing.Optional[str] = None
    if pep440.pre_tag == "a":
        prerelease = f"alpha.{pep440.pre}"
    elif pep440.pre_tag == "b":
        prerelease = f"beta.{pep440.pre}"
    elif pep440.pre_tag == "rc":
        prerelease = f"rc.{pep440.pre}"
    elif pep440.dev is not None:
        prerelease = f"dev.{pep440.dev}"
    elif pep440.local is not None:
        # Pre-releases that PEP 440 cannot express are published as local versions.
        prerelease = str(pep440.local)
    return SemverVersion(major=major, minor=minor, patch=patch, prerelease=prerelease)


# Computed once: every resource asks for it.
_version = _get_semver_version()
_version_str = str(_version)


def get_resource_opts_defaults() -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(
        version=get_version(),
        plugin_download_url=get_plugin_download_url(),
    )


def get_invoke_opts_defaults() -> pulumi.InvokeOptions:
    return pulumi.InvokeOptions(
        version=get_version(),
        plugin_download_url=get_plugin_download_url(),
    )


def get_resource_args_opts(
    resource_args_type: type, resource_options_type: type, *args: typing.Any, **kwargs: typing.Any
) -> typing.Tuple[typing.Any, typing.Any]:
    """
    Splits the positional and keyword arguments of a resource's __init__ into its args object (when
    it was called with one) and its options.
    """
    resource_args = None
    opts = None
    rest = list(args)
    if rest and isinstance(rest[0], resource_args_type):
        resource_args = rest.pop(0)
    if rest and isinstance(rest[0], resource_options_type):
        opts = rest[0]
    if resource_args is None and isinstance(kwargs.get("args"), resource_args_type):
        resource_args = kwargs["args"]
    if opts is None:
        opts = kwargs.get("opts")
    return resource_args, opts


def lazy_import(fullname: str) -> typing.Any:
    """Imports a sub-package on first attribute access, so that importing the SDK stays cheap."""
    import pulumi._utils as pulumi_utils

    runtime_lazy_import = getattr(pulumi_utils, "lazy_import", None)
    if runtime_lazy_import is not None:
        return runtime_lazy_import(fullname)

    module = sys.modules.get(fullname)
    if module is not None:
        return module
    spec = importlib.util.find_spec(fullname)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot find module {fullname}")
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[fullname] = module
    loader.exec_module(module)
    return module


class Package(pulumi.runtime.ResourcePackage):
    """Constructs this package's provider when the engine hands back a provider reference."""

    def __init__(self, pkg_info: typing.Dict[str, typing.Any]):
        super().__init__()
        self.pkg_info = pkg_info

    def version(self) -> typing.Optional[SemverVersion]:
        return _version

    def construct_provider(self, name: str, typ: str, urn: str) -> pulumi.ProviderResource:
        if typ != self.pkg_info["token"]:
            raise Exception(f"unknown provider type {typ}")
        provider_class = getattr(lazy_import(self.pkg_info["fqn"]), self.pkg_info["class"])
        return typing.cast(pulumi.ProviderResource, provider_class(name, pulumi.ResourceOptions(urn=urn)))


class Module(pulumi.runtime.ResourceModule):
    """Constructs resource objects of one module from URNs found in outputs."""

    def __init__(self, mod_info: typing.Dict[str, typing.Any]):
        super().__init__()
        self.mod_info = mod_info

    def version(self) -> typing.Optional[SemverVersion]:
        return _version

    def construct(self, name: str, typ: str, urn: str) -> pulumi.Resource:
        class_name = self.mod_info["classes"].get(typ)
        if class_name is None:
            raise Exception(f"unknown resource type {typ}")
        resource_class = getattr(lazy_import(self.mod_info["fqn"]), class_name)
        return typing.cast(pulumi.Resource, resource_class(name, pulumi.ResourceOptions(urn=urn)))


def register(resource_modules: str, resource_packages: str) -> None:
    for pkg_info in json.loads(resource_packages):
        pulumi.runtime.register_resource_package(pkg_info["pkg"], Package(pkg_info))
    for mod_info in json.loads(resource_modules):
        pulumi.runtime.register_resource_module(mod_info["pkg"], mod_info["mod"], Module(mod_info))


def deprecated(message: str) -> typing.Callable[[C], C]:
    """
    Marks a function (typically a property getter) as deprecated: calling it warns, and Pulumi can
    recognise it through the `_pulumi_deprecated_callable` attribute.
    """

    def decorator(fn: C) -> C:
        if not callable(fn):
            raise TypeError("Expected fn to be callable")

        @functools.wraps(fn)
        def deprecated_fn(*args: typing.Any, **kwargs: typing.Any) -> typing.Any:
            warnings.warn(message)
            pulumi.warn(f"{fn.__name__} is deprecated: {message}")
            return fn(*args, **kwargs)

        deprecated_fn.__dict__["_pulumi_deprecated_callable"] = fn
        return typing.cast(C, deprecated_fn)

    return decorator
