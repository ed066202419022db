package io.baton.vertx.client.recipes;

import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

/**
 * Leader election: candidates join in order, the first leads; leadership passes on resignation or
 * when the leader's session ends. Each term carries a strictly increasing fencing token.
 */
public final class Election {
  private final CoordinationClient client;
  private final String name;

  Election(CoordinationClient client, String name) {
    this.client = client;
    this.name = name;
  }

  /** A joined candidate. */
  public static final class Candidacy {
    private final Election election;
    private final String candidate;
    private final String path;
    private final Promise<LockGrant> leadership = Promise.promise();

    Candidacy(Election election, String candidate, String path) {
      this.election = election;
      this.candidate = candidate;
      this.path = path;
    }

    public String path() {
      return path;
    }

    /** Completes when this candidate becomes leader, with its term's fencing token. */
    public Future<LockGrant> leadership() {
      return leadership.future();
    }

    /** Leaves the election (giving up leadership if held). */
    public Future<Void> resign() {
      return election.client.request(new JsonObject().put("op", "election.resign").put("name", election.name)
          .put("candidate", candidate)).mapEmpty();
    }
  }

  /** Joins as {@code candidate}; {@code meta} is visible to observers. */
  public Future<Candidacy> join(String candidate, JsonObject meta) {
    Candidacy[] holder = new Candidacy[1];
    JsonObject[] early = new JsonObject[1];
    client.recipeEventHandler("election", name, e -> {
      if ("Elected".equals(e.getString("event"))) {
        if (holder[0] != null && holder[0].path.equals(e.getString("path"))) {
          holder[0].leadership.tryComplete(new LockGrant(e.getString("path"), e.getLong("token"), 1));
        } else if (holder[0] == null) {
          early[0] = e;
        }
      }
    });
    JsonObject req = new JsonObject().put("op", "election.join").put("name", name).put("candidate", candidate);
    if (meta != null) {
      req.put("meta", meta);
    }
    return client.request(req).map(r -> {
      Candidacy c = new Candidacy(this, candidate, r.getString("path"));
      holder[0] = c;
      if (r.getBoolean("leader")) {
        c.leadership.tryComplete(new LockGrant(r.getString("path"), r.getLong("token"), 1));
      } else if (early[0] != null && c.path.equals(early[0].getString("path"))) {
        c.leadership.tryComplete(new LockGrant(c.path, early[0].getLong("token"), 1));
      }
      return c;
    });
  }

  /** {@code leader} (path, id, session, token; null if none) and {@code candidates} in order. */
  public Future<JsonObject> leader() {
    return client.request(new JsonObject().put("op", "election.leader").put("name", name));
  }

  /** Receives LeaderElected and LeaderLost events of this election. */
  public Future<Void> observe(Handler<JsonObject> handler) {
    client.recipeEventHandler("election", name, e -> {
      if (!"Elected".equals(e.getString("event"))) {
        handler.handle(e);
      }
    });
    return client.request(new JsonObject().put("op", "recipe.subscribe").put("recipe", "election")
        .put("name", name)).mapEmpty();
  }
}
