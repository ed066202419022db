package io.baton.core.acl;

import io.baton.core.tree.Stat;
import java.util.List;

/** A node's ACL and its stat (whose {@code aversion} a conditional setACL names). */
public record NodeAcl(List<Acl> acl, Stat stat) {
}
