package io.baton.kafka.mapping;

import io.baton.schemas.event.BatonEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Applies the routing rules (first match wins). */
public final class Router {
  private final List<Route> routes;

  public Router(List<Route> routes) {
    this.routes = List.copyOf(routes);
  }

  public List<Route> routes() {
    return routes;
  }

  /** The rule that takes the event, or null if none does or the rule drops it. */
  public Route route(BatonEvent e) {
    for (Route r : routes) {
      if (r.matches(e.getPath(), e.getKind())) {
        return r.topic() == null ? null : r;
      }
    }
    return null;
  }

  /** Every topic some rule publishes to. */
  public Set<String> topics() {
    Set<String> out = new LinkedHashSet<>();
    for (Route r : routes) {
      if (r.topic() != null) {
        out.add(r.topic());
      }
    }
    return out;
  }

  /**
   * The subtrees a resync must re-read: the prefixes of the publishing rules, without those
   * inside another, each with the topics whose markers announce it.
   */
  public Map<String, Set<String>> resyncPrefixes() {
    List<String> prefixes = new ArrayList<>();
    for (Route r : routes) {
      if (r.topic() != null && !prefixes.contains(r.prefix())) {
        prefixes.add(r.prefix());
      }
    }
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (String p : prefixes) {
      boolean inside = false;
      for (String q : prefixes) {
        if (!q.equals(p) && Route.covers(q, p)) {
          inside = true;
          break;
        }
      }
      if (!inside) {
        Set<String> topics = new LinkedHashSet<>();
        for (Route r : routes) {
          if (r.topic() != null && (Route.covers(p, r.prefix()) || Route.covers(r.prefix(), p))) {
            topics.add(r.topic());
          }
        }
        out.put(p, topics);
      }
    }
    return out;
  }
}
