"""A test AWS emulator for multi-region disaster recovery: moto, in process, with AWS's DR behaviours added."""
