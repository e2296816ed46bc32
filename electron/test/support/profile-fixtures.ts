import type { ConnectionProfile } from '../../src/common/connection-profile';

// Test certificates made once with openssl (EC P-256, valid until 2125):
// a self-signed CA, and a leaf (CA:FALSE, CN=leaf) it signed, with the
// leaf's throwaway key. Nothing else trusts them.

export const FIXTURE_CA_PEM = `-----BEGIN CERTIFICATE-----
MIIBkDCCATegAwIBAgIUQbhkv1nKVCuO9mZbsneXCsGX5ZIwCgYIKoZIzj0EAwIw
FTETMBEGA1UEAwwKZml4dHVyZS1jYTAgFw0yNjExMjMwMTA0MjhaGA8yMTI2MTAz
MDAxMDQyOFowFTETMBEGA1UEAwwKZml4dHVyZS1jYTBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABIGYeNGAYQHfIX5GiX1OVt+q0P/Dj06HNUPPT/Be2aDoczwxw0hX
yf/ClmQZEDacVBGOhqF0FBv/+bqYt+TxSGijYzBhMB0GA1UdDgQWBBSCDBe6F8QO
HoiR6rRg3oEXGmKWODAfBgNVHSMEGDAWgBSCDBe6F8QOHoiR6rRg3oEXGmKWODAP
BgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBBjAKBggqhkjOPQQDAgNHADBE
AiBe3/lHc3SU/605OMubcEXMA3R4m7ggxoJt5tgmMDjrDQIgFG6GvRHXPn70ZGAI
REw3bfWgHeYfF2/iBhY1S1AWYBY=
-----END CERTIFICATE-----
`;

export const FIXTURE_LEAF_PEM = `-----BEGIN CERTIFICATE-----
MIIBeTCCAR6gAwIBAgIUNGxdbjD5lrPr+GYCm9d0U02bBBgwCgYIKoZIzj0EAwIw
FTETMBEGA1UEAwwKZml4dHVyZS1jYTAgFw0yNjExMjMwMTA0MjhaGA8yMTI2MTAz
MDAxMDQyOFowDzENMAsGA1UEAwwEbGVhZjBZMBMGByqGSM49AgEGCCqGSM49AwEH
A0IABPdpsZ+ElZGTcKo9DfeQcjmap9Mfx7O1IMxzRLqUjwxAs3NTDruGPQqpNkev
jPB3evjqxt3W07Rq4Kdsc4DQt+2jUDBOMAwGA1UdEwEB/wQCMAAwHQYDVR0OBBYE
FM4V+v8zGHVX7JDkIYMqNUNHeaT+MB8GA1UdIwQYMBaAFIIMF7oXxA4eiJHqtGDe
gRcaYpY4MAoGCCqGSM49BAMCA0kAMEYCIQCWZtZ4gbzpfsfJvrKEJ7e4fRVbBNqs
kR/Q76wv12JdHgIhANiqDeO5JlZK6ZZyk//BJUAwYh0rrgSgXvwImAs0eVO4
-----END CERTIFICATE-----
`;

export const FIXTURE_LEAF_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgX3m9pTmNB+UfZZkO
a/lGsaGUuNqzEaBSbpNS6cNuADyhRANCAAT3abGfhJWRk3CqPQ33kHI5mqfTH8ez
tSDMc0S6lI8MQLNzUw67hj0KqTZHr4zwd3r46sbd1tO0auCnbHOA0Lft
-----END PRIVATE KEY-----
`;

/** A valid two-org, one-orderer profile whose endpoints point at ports nothing listens on. */
export function fixtureProfile(port = 1): ConnectionProfile {
  const org = (n: number) => ({
    mspId: `Org${n}MSP`,
    gateway: { endpoint: `127.0.0.1:${port}`, tlsServerName: `peer0.org${n}`, tlsRootCertificate: FIXTURE_CA_PEM },
    ca: { url: `https://127.0.0.1:${port}`, name: `ca-org${n}`, tlsRootCertificate: FIXTURE_CA_PEM },
  });
  return {
    format: 'ktalk-connection-profile',
    version: 1,
    name: 'fixture-net',
    channel: 'ktalk',
    chaincode: 'ktalk',
    organizations: [org(1), org(2)],
    orderers: [{ endpoint: `127.0.0.1:${port}`, tlsServerName: 'orderer1', tlsRootCertificate: FIXTURE_CA_PEM }],
  };
}
