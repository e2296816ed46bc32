import { type ConnectionProfile, organizationOf } from '../../common/connection-profile';
import { type GatewayConnection, type GatewayIdentity, openGateway } from './gateway';

/** A gateway connection to the identity's own org peer, everything taken from the profile. */
export function connectWithProfile(profile: ConnectionProfile, identity: GatewayIdentity): GatewayConnection {
  const org = organizationOf(profile, identity.mspId);
  return openGateway(
    {
      address: org.gateway.endpoint,
      tlsRootPem: org.gateway.tlsRootCertificate,
      hostOverride: org.gateway.tlsServerName,
    },
    identity,
  );
}
