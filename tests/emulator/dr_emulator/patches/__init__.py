"""Behaviour added to moto, service by service. Installed once, before the first AWS call is served."""


def install_all() -> None:
    from . import dynamodb, rds, route53, s3

    for module in (rds, route53, dynamodb, s3):
        module.install()
