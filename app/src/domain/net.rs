//! Who is on the other end of a request. Behind the reverse proxy the README requires, the
//! connection comes from the proxy; the member's address is in `X-Forwarded-For`,
//! which anyone can also write. So those headers are believed only when the connection comes
//! from a configured trusted proxy (`SOTAY_TRUSTED_PROXIES`), and then only up to the first hop
//! that is not itself trusted (reading the chain from the right, as RFC 7239 §7.4 advises).

use ipnet::IpNet;
use std::net::IpAddr;

/// The proxies whose forwarding headers are believed: addresses or networks, comma-separated
/// (`127.0.0.1, 10.0.0.0/8, ::1`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses the setting; an entry that is neither an address nor a network is an error
    /// naming it (a typo must not silently trust nobody, or everybody).
    pub fn parse(input: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for part in input.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let net = match part.parse::<IpNet>() {
                Ok(n) => n,
                Err(_) => match part.parse::<IpAddr>() {
                    Ok(a) => IpNet::from(a),
                    Err(_) => return Err(part.to_string()),
                },
            };
            nets.push(net);
        }
        Ok(TrustedProxies(nets))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn trusts(&self, addr: IpAddr) -> bool {
        let addr = canonical(addr);
        self.0.iter().any(|n| n.contains(&addr))
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`, what a dual-stack socket reports) as IPv4.
fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(addr),
        v4 => v4,
    }
}

/// One `for=` value of `Forwarded`, or one entry of `X-Forwarded-For`: an address, perhaps
/// quoted, in brackets, with a port. Obfuscated identifiers and `unknown` give `None`.
fn parse_node(raw: &str) -> Option<IpAddr> {
    let v = raw.trim().trim_matches('"');
    if let Some(rest) = v.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    if let Ok(a) = v.parse::<IpAddr>() {
        return Some(a);
    }
    // IPv4 with a port.
    let (host, port) = v.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

fn x_forwarded_chain(header: &str) -> Vec<Option<IpAddr>> {
    header.split(',').map(parse_node).collect()
}

/// The client's address: the connection's own unless it comes from a trusted proxy; then the
/// nearest hop of `X-Forwarded-For` (every line of it, joined) that is not a trusted proxy. A
/// malformed hop ends the walk at the last trusted hop (what is left of it cannot be believed).
/// Only `X-Forwarded-For` is read: it is what the documented proxies set, appending the real
/// peer last; a `Forwarded` header they pass through unchanged is the client's own writing.
pub fn client_address(
    peer: IpAddr,
    x_forwarded_for: Option<&str>,
    trusted: &TrustedProxies,
) -> IpAddr {
    let peer = canonical(peer);
    if !trusted.trusts(peer) {
        return peer;
    }
    let chain = match x_forwarded_for {
        Some(x) if !x.trim().is_empty() => x_forwarded_chain(x),
        _ => return peer,
    };
    let mut client = peer;
    for hop in chain.iter().rev() {
        match hop {
            Some(addr) => {
                client = canonical(*addr);
                if !trusted.trusts(client) {
                    return client;
                }
            }
            None => return client,
        }
    }
    client
}

/// The key an address is throttled under: IPv4 addresses as they are, IPv6 by their /64 (one
/// subscriber holds a whole /64 and could rotate through it).
pub fn throttle_address(addr: &str) -> String {
    match addr.parse::<IpAddr>().map(canonical) {
        Ok(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(v4) => v4.to_string(),
        Err(_) => addr.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_setting_is_parsed_or_refused_by_name() {
        let t = TrustedProxies::parse(" 127.0.0.1, 10.0.0.0/8 ,::1,").unwrap();
        assert!(t.trusts(ip("127.0.0.1")) && t.trusts(ip("10.9.8.7")) && t.trusts(ip("::1")));
        assert!(
            t.trusts(ip("::ffff:10.1.1.1")),
            "IPv4-mapped addresses count as IPv4"
        );
        assert!(!t.trusts(ip("11.0.0.1")));
        assert_eq!(
            TrustedProxies::parse("10.0.0.0/8, proxy.local"),
            Err("proxy.local".to_string())
        );
        assert!(TrustedProxies::parse("").unwrap().is_empty());
    }

    #[test]
    fn headers_are_believed_only_from_a_trusted_proxy() {
        let none = TrustedProxies::default();
        let proxy = TrustedProxies::parse("10.0.0.2").unwrap();
        // A client writing the header itself gains nothing.
        assert_eq!(
            client_address(ip("203.0.113.9"), Some("1.2.3.4"), &none),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_address(ip("203.0.113.9"), Some("1.2.3.4"), &proxy),
            ip("203.0.113.9")
        );
        // Through the proxy: the address it appended.
        assert_eq!(
            client_address(ip("10.0.0.2"), Some("1.2.3.4"), &proxy),
            ip("1.2.3.4")
        );
        // A forged left part is ignored: the proxy appended the real one last.
        assert_eq!(
            client_address(ip("10.0.0.2"), Some("6.6.6.6, 1.2.3.4"), &proxy),
            ip("1.2.3.4")
        );
        // Two trusted proxies in a row; ports and brackets.
        let two = TrustedProxies::parse("10.0.0.0/24").unwrap();
        assert_eq!(
            client_address(ip("10.0.0.2"), Some("6.6.6.6, 1.2.3.4, 10.0.0.7"), &two),
            ip("1.2.3.4")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), Some("192.0.2.60:8080"), &proxy),
            ip("192.0.2.60")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), Some("[2001:db8::7]:4711"), &proxy),
            ip("2001:db8::7")
        );
        // Unreadable hops: the nearest believable address.
        assert_eq!(
            client_address(ip("10.0.0.2"), Some("unknown"), &proxy),
            ip("10.0.0.2")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), Some("garbage"), &proxy),
            ip("10.0.0.2")
        );
        assert_eq!(client_address(ip("10.0.0.2"), None, &proxy), ip("10.0.0.2"));
    }

    #[test]
    fn ipv6_clients_are_throttled_by_their_64() {
        assert_eq!(
            throttle_address("2001:db8:1:2:aaaa::1"),
            throttle_address("2001:db8:1:2:bbbb::9")
        );
        assert_ne!(
            throttle_address("2001:db8:1:2::1"),
            throttle_address("2001:db8:1:3::1")
        );
        assert_eq!(throttle_address("203.0.113.7"), "203.0.113.7");
        assert_eq!(throttle_address("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(throttle_address("unknown"), "unknown");
    }

    proptest! {
        #[test]
        fn any_header_gives_an_answer_and_never_one_from_an_untrusted_peer(f in ".{0,200}", x in ".{0,200}", last in 0u8..=255) {
            let proxy = TrustedProxies::parse("10.0.0.2").unwrap();
            let peer = IpAddr::from([198, 51, 100, last]);
            prop_assert_eq!(client_address(peer, Some(&x), &proxy), peer);
            let _ = client_address(ip("10.0.0.2"), Some(&f), &proxy);
            let _ = throttle_address(&x);
            let _ = TrustedProxies::parse(&f);
        }
    }
}
