package io.baton.core.server;

import io.baton.core.auth.ClientAuth;
import io.baton.core.session.SessionTable;
import io.baton.core.stream.ChangeEvent;
import io.baton.core.stream.ChangeEvents;
import io.baton.core.tree.DataTree;
import io.baton.core.tree.Paths;
import io.baton.core.watch.EventType;
import io.baton.core.watch.WatchManager;
import io.baton.schemas.log.CloseReason;
import io.baton.schemas.log.LogEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Tells everyone what an applied entry changed: the watches it fires (to sessions that may read the
 * node), the sessions it opened or closed (their deadlines, watches and identities), and the
 * {@link CoordinatorListener}s (change streams, faces). Owner thread.
 */
final class ChangeDispatcher {
  private final WatchManager watches;
  private final WatchAcls watchAcls;
  private final SessionLiveness liveness;
  private final ClientAuth auth;
  private final List<CoordinatorListener> listeners;
  private final Scheduler scheduler;

  ChangeDispatcher(WatchManager watches, WatchAcls watchAcls, SessionLiveness liveness, ClientAuth auth,
                   List<CoordinatorListener> listeners, Scheduler scheduler) {
    this.watches = watches;
    this.watchAcls = watchAcls;
    this.liveness = liveness;
    this.auth = auth;
    this.listeners = listeners;
    this.scheduler = scheduler;
  }

  /** Before {@code entry} changes the tree: what watchers of the nodes it deletes may read is kept. */
  void beforeApply(LogEntry entry) {
    if (watches.size() > 0) {
      watchAcls.before(entry);
    }
  }

  /** After {@code entry} changed the tree. */
  void applied(LogEntry entry) {
    List<ChangeEvent> events = ChangeEvents.of(entry);
    List<WatchManager.Delivery> deliveries = new ArrayList<>();
    for (ChangeEvent ev : events) {
      switch (ev.kind()) {
        case NODE_CREATED -> {
          watches.trigger(ev.path(), EventType.NodeCreated, ev.zxid(), deliveries);
          watches.trigger(Paths.parent(ev.path()), EventType.NodeChildrenChanged, ev.zxid(), deliveries);
        }
        case NODE_DELETED -> {
          watches.trigger(ev.path(), EventType.NodeDeleted, ev.zxid(), deliveries);
          watches.trigger(Paths.parent(ev.path()), EventType.NodeChildrenChanged, ev.zxid(), deliveries);
        }
        case NODE_DATA_CHANGED -> watches.trigger(ev.path(), EventType.NodeDataChanged, ev.zxid(), deliveries);
        case SESSION_OPENED -> liveness.track(ev.sessionId(), ev.version(), scheduler.now());
        case SESSION_CLOSED -> {
          watches.removeSession(ev.sessionId());
          liveness.untrack(ev.sessionId());
        }
      }
    }
    for (WatchManager.Delivery d : deliveries) {
      if (!watchAcls.permits(d.sessionId(), d.event())) {
        continue; // the watcher may not read the node: ZooKeeper 3.9 drops the event too
      }
      for (CoordinatorListener l : listeners) {
        l.watchEvent(d.sessionId(), d.event());
      }
    }
    for (ChangeEvent ev : events) {
      if (ev.kind() == ChangeEvent.Kind.SESSION_CLOSED) {
        auth.sessionEnded(ev.sessionId()); // after the events of its ephemerals, checked with its identities
      }
    }
    for (CoordinatorListener l : listeners) {
      l.committed(entry, events);
    }
    for (ChangeEvent ev : events) {
      if (ev.kind() == ChangeEvent.Kind.SESSION_CLOSED) {
        boolean expired = CloseReason.EXPIRED.name().equals(ev.cause());
        for (CoordinatorListener l : listeners) {
          l.sessionEnded(ev.sessionId(), expired);
        }
      }
    }
  }

  /**
   * The whole state was replaced by a snapshot at {@code zxid}: every watch fires (what changed is
   * unknown), the sessions of {@code before} that are gone are reported ended (expired), and the
   * listeners learn of the replacement.
   */
  void replaced(long zxid, DataTree tree, SessionTable sessions, Set<Long> before) {
    List<WatchManager.Delivery> deliveries = watches.triggerAll(zxid, p -> tree.get(p) != null, new ArrayList<>());
    for (WatchManager.Delivery d : deliveries) {
      for (CoordinatorListener l : listeners) {
        l.watchEvent(d.sessionId(), d.event());
      }
    }
    for (long session : before) {
      if (!sessions.isOpen(session)) {
        liveness.untrack(session);
        watches.removeSession(session);
        auth.sessionEnded(session);
        for (CoordinatorListener l : listeners) {
          l.sessionEnded(session, true);
        }
      }
    }
    for (CoordinatorListener l : listeners) {
      l.stateReplaced(zxid);
    }
  }
}
