"""Public PKI endpoints: the CRL, the CA certificates and the RFC 3161 time-stamping service."""
