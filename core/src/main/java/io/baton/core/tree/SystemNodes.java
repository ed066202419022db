package io.baton.core.tree;

import io.baton.core.acl.Acl;
import io.baton.core.acl.Perms;
import io.baton.core.auth.Identity;
import io.baton.core.quota.Quotas;
import java.util.List;

/**
 * ZooKeeper's built-in nodes, present in every tree from its start as in ZooKeeper's
 * {@code DataTree}: {@code /zookeeper}, {@code /zookeeper/quota} (quota limits live below it) and
 * {@code /zookeeper/config} (empty: Baton has no dynamic reconfiguration, and an empty config leaves
 * Curator's connect string alone). They are never logged: their stats are all zero, their parent
 * does not count them in its cversion, and no client deletes them (BadArguments).
 *
 * <p>A log written before they were built in may create or delete them (a super user making a quota's
 * parents). Applying such a create gives the built-in node the logged node's stat, data and ACL; such a
 * delete returns it to its built-in state. A snapshot restores them in place. So old data directories
 * end in one state, whether replayed or restored.
 */
public final class SystemNodes {
  /** ZooKeeper's system subtree. */
  public static final String ZOOKEEPER = "/zookeeper";
  /** Where quota limits live ({@code /zookeeper/quota<path>/zookeeper_limits}). */
  public static final String QUOTA = Quotas.QUOTA_ROOT;
  /** The ensemble's configuration ({@code ZooKeeper.getConfig}): empty. */
  public static final String CONFIG = "/zookeeper/config";
  /** Every built-in path, parents first. */
  public static final List<String> PATHS = List.of(ZOOKEEPER, QUOTA, CONFIG);
  /** ZooKeeper's READ_ACL_UNSAFE, the ACL of {@code /zookeeper/config} (ZOOKEEPER-2014). */
  static final List<Acl> CONFIG_ACL = List.of(new Acl(Perms.READ, new Identity("world", "anyone")));

  private SystemNodes() {
  }

  /** Whether {@code path} is one of the built-in nodes. */
  public static boolean isSystem(String path) {
    return path.startsWith(ZOOKEEPER) && PATHS.contains(path);
  }

  /** The ACL a built-in node starts with (empty: open to all). */
  static List<Acl> acl(String path) {
    return path.equals(CONFIG) ? CONFIG_ACL : List.of();
  }
}
