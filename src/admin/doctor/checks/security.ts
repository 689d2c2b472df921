// Security: who can connect without credentials, whether anything checks what they may do,
// and which topics anyone may write. ACLs are judged with the authorizer's own rules
// (src/kafka/acl/model.ts isAllowed), not a second reading of them.
import {type AclBinding, type AuthorizerPolicy, isAllowed, wildcardPrincipal} from '../../../kafka/acl/model.js'
import {type Check, finding, type Finding} from '../findings.js'
import {brokerSetting, brokersObject, listItems} from '../queries.js'
import type {SnapshotBroker} from '../snapshot.js'

// Clients on a PLAINTEXT (or SSL without client certificates) listener are this principal.
const anonymousPrincipal = 'User:ANONYMOUS'
// An address from TEST-NET-1 (RFC 5737): no ACL names it, so only host-* ACLs apply to it.
const anyHost = '192.0.2.1'

function hasAuthorizer(broker: SnapshotBroker): boolean {
  return (brokerSetting(broker, 'authorizer.class.name') ?? '').trim() !== ''
}

/** super.users: "User:admin;User:ops" (semicolons, as the authorizers split it). */
export function superUsers(broker: SnapshotBroker): string[] {
  return (brokerSetting(broker, 'super.users') ?? '').split(';').map((item) => item.trim()).filter(Boolean)
}

export const plaintextListener: Check = (snapshot) => {
  const brokersByListener = new Map<string, number[]>()
  for (const broker of snapshot.brokers) {
    for (const listener of broker.listeners) {
      if (listener.securityProtocol !== 'PLAINTEXT') continue
      brokersByListener.set(listener.name, [...(brokersByListener.get(listener.name) ?? []), broker.id])
    }
  }
  return [...brokersByListener].map(([name, brokers]) => finding('security.plaintext-listener', 'warning', brokersObject(snapshot, brokers), {
    problem: `listener ${name} uses the PLAINTEXT protocol on broker(s) ${listItems(brokers)}`,
    why: 'Anyone who can reach the port connects without credentials (as User:ANONYMOUS) and reads the traffic on the wire.',
    fix: 'use SASL_SSL for client listeners (kctl init --security sasl_ssl writes it), or restrict the port to a trusted network',
  }))
}

export const noAuthorizer: Check = (snapshot) => {
  const open = snapshot.brokers.filter((broker) => !hasAuthorizer(broker)).map((broker) => broker.id)
  if (open.length === 0) return []
  return [finding('security.no-authorizer', 'warning', brokersObject(snapshot, open), {
    problem: `no authorizer (authorizer.class.name is empty) on broker(s) ${listItems(open)}`,
    why: 'Every client that connects may do everything: delete topics, reset offsets, change configs.',
    fix: 'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer and super.users=User:admin, then grant access with kctl acls create',
  })]
}

export const allowEveryone: Check = (snapshot) => {
  const open = snapshot.brokers.filter((broker) => hasAuthorizer(broker) && brokerSetting(broker, 'allow.everyone.if.no.acl.found') === 'true').map((broker) => broker.id)
  if (open.length === 0) return []
  return [finding('security.allow-everyone', 'warning', brokersObject(snapshot, open), {
    problem: `allow.everyone.if.no.acl.found=true on broker(s) ${listItems(open)}`,
    why: 'Any topic or group without an ACL is open to every principal, unauthenticated ones included.',
    fix: 'allow.everyone.if.no.acl.found=false in server.properties, after granting the access clients need (kctl acls create)',
  })]
}

export const superUsersCheck: Check = (snapshot) => {
  const findings: Finding[] = []
  const users = new Set(snapshot.brokers.filter(hasAuthorizer).flatMap(superUsers))
  const everyone: string[] = [...users].filter((user) => user === wildcardPrincipal || user === anonymousPrincipal)
  if (everyone.length > 0) {
    findings.push(finding('security.super-users', 'warning', {kind: 'principal', name: everyone.join(',')}, {
      problem: `super.users includes ${everyone.join(' and ')}`,
      why: everyone.includes(wildcardPrincipal) ? 'Every principal is a super user: the ACLs are never consulted.' : 'Unauthenticated clients are super users: anyone who reaches a PLAINTEXT listener may do anything.',
      fix: 'super.users=User:admin (only the principals that administer the cluster)',
    }))
  }
  const named = [...users].filter((user) => !everyone.includes(user)).sort()
  if (named.length > 0) {
    findings.push(finding('security.super-users', 'info', {kind: 'principal', name: named.join(',')}, {
      problem: `super users (bypass every ACL): ${named.join(', ')}`,
      why: 'A super user\'s credentials are as powerful as the cluster: keep the list short.',
      fix: 'review super.users; grant applications ACLs instead (kctl acls create)',
    }))
  }
  return findings
}

/** A principal no ACL and no super.users entry names: what "any principal" gets. */
function unnamedPrincipal(acls: readonly AclBinding[], supers: readonly string[]): string {
  const named = new Set([...acls.map((binding) => binding.principal), ...supers])
  let candidate = 'User:kctl-doctor-anyone'
  while (named.has(candidate)) candidate += '-'
  return candidate
}

export const topicOpenWrite: Check = (snapshot) => {
  const acls = snapshot.acls
  // Without an authorizer security.no-authorizer says it all; without ACLs nothing can be judged.
  if (acls === undefined || snapshot.brokers.length === 0 || !snapshot.brokers.every(hasAuthorizer)) return []
  // The first broker's policy stands for all; brokers that disagree are configuration.drift's.
  const broker = snapshot.brokers[0]
  const supers = superUsers(broker)
  // With User:* a super user every topic is open: security.super-users says so once.
  if (supers.includes(wildcardPrincipal)) return []
  const policy: AuthorizerPolicy = {superUsers: new Set(supers), allowEveryoneIfNoAclFound: brokerSetting(broker, 'allow.everyone.if.no.acl.found') === 'true'}
  const anyone = unnamedPrincipal(acls, supers)
  const plaintext = snapshot.brokers.some((candidate) => candidate.listeners.some((listener) => listener.securityProtocol === 'PLAINTEXT'))
  return snapshot.topics.filter((topic) => !topic.internal).flatMap((topic) => {
    const may = (principal: string, allowEveryoneIfNoAclFound = policy.allowEveryoneIfNoAclFound) =>
      isAllowed(acls, {...policy, allowEveryoneIfNoAclFound}, {principal, host: anyHost, operation: 'WRITE', resourceType: 'TOPIC', resourceName: topic.name})
    const byAnyone = may(anyone)
    const byAnonymous = plaintext && may(anonymousPrincipal)
    if (!byAnyone && !byAnonymous) return []
    // Allowed without the allow-everyone fallback: an ACL grants it.
    const viaAcl = byAnyone ? may(anyone, false) : may(anonymousPrincipal, false)
    const who = byAnyone ? 'any principal' : 'unauthenticated clients (User:ANONYMOUS on a PLAINTEXT listener)'
    return [finding('security.topic-open-write', 'warning', {kind: 'topic', name: topic.name}, {
      problem: `${who} may write to ${topic.name}${viaAcl ? ' (an ALLOW ACL for User:* or User:ANONYMOUS matches it)' : ' (no ACL on the topic, allow.everyone.if.no.acl.found=true)'}`,
      why: 'Anyone who can connect may append records, including malformed or malicious ones, that every consumer then reads.',
      fix: viaAcl
        ? `kctl acls list --topic ${topic.name}, then kctl acls delete the wildcard ALLOW and grant producers by name: kctl acls create --allow-principal User:<app> --producer --topic ${topic.name}`
        : `kctl acls create --allow-principal User:<app> --producer --topic ${topic.name} (any ACL on the topic ends the allow-everyone fallback)`,
    })]
  })
}
