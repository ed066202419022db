package io.baton.kafka.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.stream.ChangeEvent;
import io.baton.core.stream.ChangeEvent.Kind;
import io.baton.core.tree.EphemeralOwner;
import io.baton.schemas.event.BatonEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stateless mapping of changes to records (no broker needed). */
class EventMapperTest {
  final EventMapper mapper = new EventMapper();

  static ChangeEvent ev(Kind kind, String path, long session, int version, String data, String cause) {
    return new ChangeEvent(42, 1000, kind, path, session, version,
        data == null ? null : data.getBytes(StandardCharsets.UTF_8), cause);
  }

  static String s(BatonEvent e) {
    String data = e.getData() == null ? null : StandardCharsets.UTF_8.decode(e.getData().duplicate()).toString();
    return e.getEntryIndex() + " " + e.getKind() + " " + e.getPath() + " s" + e.getSession() + " v" + e.getVersion()
        + " " + data + " " + e.getCause() + " " + e.getRecipe() + "/" + e.getName() + "/" + e.getMemberId() + " t"
        + e.getToken() + (e.getResync() ? " resync" : "");
  }

  List<String> map(boolean resync, ChangeEvent... events) {
    return mapper.mapEntry(List.of(events), resync).stream().map(m -> m.key() + " | " + s(m.event())).toList();
  }

  @Test
  void plainNodeAndSessionEvents() {
    assertThat(map(false,
        ev(Kind.NODE_CREATED, "/a", 0, 0, "x", null),
        ev(Kind.NODE_CREATED, "/c", EphemeralOwner.CONTAINER, 0, "", null),
        ev(Kind.NODE_DATA_CHANGED, "/a", 0, 3, "y", null),
        ev(Kind.NODE_DELETED, "/e", 7, -1, null, "SESSION_EXPIRED"),
        ev(Kind.SESSION_OPENED, null, 7, 5000, null, null),
        ev(Kind.SESSION_CLOSED, null, 7, 0, null, "EXPIRED"),
        ev(Kind.SESSION_CLOSED, null, 8, 0, null, "CLOSED"))).containsExactly(
        "/a | 0 NODE_CREATED /a s0 v0 x null null/null/null tnull",
        "/c | 1 NODE_CREATED /c s0 v0  null null/null/null tnull",
        "/a | 2 NODE_DATA_CHANGED /a s0 v3 y null null/null/null tnull",
        "/e | 3 NODE_DELETED /e s7 v-1 null SESSION_EXPIRED null/null/null tnull",
        "0x7 | 4 SESSION_OPENED null s7 v-1 null null null/null/null tnull",
        "0x7 | 5 SESSION_EXPIRED null s7 v-1 null EXPIRED null/null/null tnull",
        "0x8 | 6 SESSION_CLOSED null s8 v-1 null CLOSED null/null/null tnull");
    assertThat(mapper.mapEntry(List.of(ev(Kind.SESSION_OPENED, null, 7, 5000, null, null)), false).get(0).event()
        .getSessionTimeoutMs()).isEqualTo(5000);
  }

  @Test
  void membershipFromGroupAndRegistryNodes() {
    assertThat(map(false,
        ev(Kind.NODE_CREATED, "/baton/groups/g/members/m1", 9, 0, "{\"a\":1}", null),
        ev(Kind.NODE_DELETED, "/baton/services/api/instances/i-1", 9, -1, null, "SESSION_CLOSED"),
        ev(Kind.NODE_DATA_CHANGED, "/baton/groups/g/members/m1", 0, 1, "{}", null),
        ev(Kind.NODE_CREATED, "/baton/groups/g/members", 0, 0, "", null),
        ev(Kind.NODE_CREATED, "/baton/groups/g/members/m1/deeper", 0, 0, "", null))).containsExactly(
        "/baton/groups/g/members/m1 | 0 NODE_CREATED /baton/groups/g/members/m1 s9 v0 {\"a\":1} null null/null/null tnull",
        "/baton/groups/g | 1 MEMBER_JOINED /baton/groups/g/members/m1 s9 v0 {\"a\":1} null group/g/m1 tnull",
        "/baton/services/api/instances/i-1 | 2 NODE_DELETED /baton/services/api/instances/i-1 s9 v-1 null SESSION_CLOSED null/null/null tnull",
        "/baton/services/api | 3 MEMBER_LEFT /baton/services/api/instances/i-1 s9 v-1 null SESSION_CLOSED registry/api/i-1 tnull",
        "/baton/groups/g/members/m1 | 4 NODE_DATA_CHANGED /baton/groups/g/members/m1 s0 v1 {} null null/null/null tnull",
        "/baton/groups/g/members | 5 NODE_CREATED /baton/groups/g/members s0 v0  null null/null/null tnull",
        "/baton/groups/g/members/m1/deeper | 6 NODE_CREATED /baton/groups/g/members/m1/deeper s0 v0  null null/null/null tnull");
  }

  @Test
  void leadershipFromTheElectionRecord() {
    String first = "{\"leader\":{\"path\":\"/baton/elections/e/candidates/c-0000000000\",\"id\":\"a\",\"session\":5,\"token\":100}}";
    String resigned = "{\"leader\":{\"path\":\"/baton/elections/e/candidates/c-0000000001\",\"id\":\"b\",\"session\":6,"
        + "\"token\":101},\"previous\":\"/baton/elections/e/candidates/c-0000000000\",\"previousCause\":\"CLIENT\"}";
    String lost = "{\"leader\":null,\"previous\":\"/baton/elections/e/candidates/c-0000000001\","
        + "\"previousCause\":\"SESSION_EXPIRED\"}";
    List<String> out = map(false, ev(Kind.NODE_DATA_CHANGED, "/baton/elections/e", 0, 1, first, null),
        ev(Kind.NODE_DATA_CHANGED, "/baton/elections/e", 0, 2, resigned, null),
        ev(Kind.NODE_DATA_CHANGED, "/baton/elections/e", 0, 3, lost, null),
        ev(Kind.NODE_DATA_CHANGED, "/baton/elections/e", 0, 4, "not json", null))
        .stream().filter(l -> l.contains("LEADER")).toList();
    assertThat(out).containsExactly(
        "/baton/elections/e | 1 LEADER_ELECTED /baton/elections/e/candidates/c-0000000000 s5 v-1 null null election/e/a t100",
        "/baton/elections/e | 3 LEADER_RESIGNED /baton/elections/e/candidates/c-0000000000 s0 v-1 null CLIENT election/e/null tnull",
        "/baton/elections/e | 4 LEADER_ELECTED /baton/elections/e/candidates/c-0000000001 s6 v-1 null null election/e/b t101",
        "/baton/elections/e | 6 LEADER_LOST /baton/elections/e/candidates/c-0000000001 s0 v-1 null SESSION_EXPIRED election/e/null tnull");
    // a resync gives the current leader only
    assertThat(map(true, ev(Kind.NODE_CREATED, "/baton/elections/e", 0, 2, resigned, null)).get(1))
        .isEqualTo("/baton/elections/e | 1 LEADER_ELECTED /baton/elections/e/candidates/c-0000000001 s6 v-1 null null "
            + "election/e/b t101 resync");
  }

  @Test
  void grantsAndReleasesFromTheLockDirectory() {
    String doc = "{\"holders\":[{\"path\":\"/baton/rwlocks/r/read-0000000003\",\"id\":\"o\",\"session\":3,\"token\":7}],"
        + "\"granted\":[{\"path\":\"/baton/rwlocks/r/read-0000000003\",\"id\":\"o\",\"session\":3,\"token\":7}],"
        + "\"released\":[{\"path\":\"/baton/rwlocks/r/write-0000000001\",\"id\":\"w\",\"session\":2,\"token\":5},"
        + "\"/baton/rwlocks/r/write-0000000000\"]}";
    assertThat(map(false, ev(Kind.NODE_DATA_CHANGED, "/baton/rwlocks/r", 0, 4, doc, null)).subList(1, 4))
        .containsExactly(
            "/baton/rwlocks/r | 1 LOCK_RELEASED /baton/rwlocks/r/write-0000000001 s2 v-1 null null rwlock/r/w t5",
            "/baton/rwlocks/r | 2 LOCK_RELEASED /baton/rwlocks/r/write-0000000000 s0 v-1 null null rwlock/r/null tnull",
            "/baton/rwlocks/r | 3 LOCK_GRANTED /baton/rwlocks/r/read-0000000003 s3 v-1 null null rwlock/r/o t7");
    // creating a directory (semaphore permits) grants nothing; a resync gives the current holders
    assertThat(map(false, ev(Kind.NODE_CREATED, "/baton/semaphores/s", 0, 0, "{\"permits\":2}", null))).hasSize(1);
    assertThat(map(true, ev(Kind.NODE_CREATED, "/baton/rwlocks/r", 0, 4, doc, null)).subList(1, 2)).containsExactly(
        "/baton/rwlocks/r | 1 LOCK_GRANTED /baton/rwlocks/r/read-0000000003 s3 v-1 null null rwlock/r/o t7 resync");
  }
}
