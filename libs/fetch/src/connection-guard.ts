import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { buildConnector } from 'undici';
import { isPublicAddress } from './address-policy';
import type { HostAllowList } from './allowed-hosts';
import { normalHost } from './allowed-hosts';
import { RemoteFetchError } from './remote-fetcher';

/** Every address a name resolves to, as the system resolver (or a test) answers now. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    );
  });

/**
 * Decides whether `host` may be reached at `address`: an allowed host at any address, every other
 * host only at public addresses. One rule, applied to the answer of every resolution and to the
 * address every connection actually reached.
 */
export class ConnectionGuard {
  constructor(
    private readonly allowed: HostAllowList,
    private readonly resolver: Resolver,
  ) {}

  permits(host: string, address: string): boolean {
    return this.allowed(host) || isPublicAddress(normalHost(address));
  }

  /** Resolves `host` (an IP address stands for itself) and refuses it unless every answer is permitted. */
  async addressesOf(host: string): Promise<LookupAddress[]> {
    const name = normalHost(host);
    const family = isIP(name);
    const addresses = family !== 0 ? [{ address: name, family }] : await this.resolve(name);
    const refused = addresses.filter(({ address }) => !this.permits(name, address));
    if (addresses.length === 0 || refused.length > 0) {
      throw new RemoteFetchError('refused-address', `${name} resolves to an address that may not be reached`);
    }
    return addresses;
  }

  /** A `lookup` for sockets: the same check on the answer the connection itself will use. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.addressesOf(hostname).then(
      (all) => {
        const family = ({ 4: 4, 6: 6, IPv4: 4, IPv6: 6 } as Record<string, number>)[String(options.family)];
        const wanted = family === undefined ? all : all.filter((a) => a.family === family);
        const [first] = wanted;
        if (first === undefined) callback(new RemoteFetchError('refused-address', `${hostname}: no address`), '');
        else if (options.all) callback(null, wanted);
        else callback(null, first.address, first.family);
      },
      (error: Error) => callback(error, ''),
    );
  };

  /**
   * An undici connector whose sockets resolve through `lookup` and, once connected, are dropped
   * unless the address they reached is permitted: no resolution between a check and a connect.
   */
  connector(options: buildConnector.BuildOptions): buildConnector.connector {
    const connect = buildConnector({ ...options, lookup: this.lookup });
    return (target, callback) => {
      connect(target, (error, socket) => {
        if (error !== null) return callback(error, null);
        const address = (socket as Socket).remoteAddress;
        if (address !== undefined && this.permits(target.hostname, address)) return callback(null, socket);
        socket.destroy();
        callback(new RemoteFetchError('refused-address', `connected to an address that may not be reached`), null);
      });
    };
  }

  private async resolve(name: string): Promise<LookupAddress[]> {
    try {
      return await this.resolver(name);
    } catch (error) {
      throw new RemoteFetchError('network', `${name} could not be resolved`, { cause: error });
    }
  }
}
