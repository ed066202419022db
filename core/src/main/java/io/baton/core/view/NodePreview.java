package io.baton.core.view;

import io.baton.core.acl.Acl;
import io.baton.core.tree.Stat;
import java.util.List;

/** A node's data cut to a preview ({@code head}, at most the asked bytes of {@code stat.dataLength()}), stat and ACL. */
public record NodePreview(String path, byte[] head, Stat stat, List<Acl> acl) {
  /** Whether {@code head} is only the start of the data. */
  public boolean truncated() {
    return head.length < stat.dataLength();
  }
}
