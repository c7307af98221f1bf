"""The Atari environments on real ROMs: observations, rewards, game ends and replay."""

import itertools

import numpy as np
import pytest
from ale_py import AtariVectorEnv
from gymnasium.vector import AutoresetMode

from reference_impl.ppo.atari import AtariGames, rom_name
from reference_impl.ppo.config import ConfigError


def play_until_a_game_ends(games: AtariGames, rng: np.random.Generator, max_steps: int = 5000):
    """Random actions until some game ends; returns all steps taken and the actions."""
    steps, actions = [], []
    for _ in range(max_steps):
        action = rng.integers(0, games.num_actions, games.num_envs)
        steps.append(games.step(action))
        actions.append(action)
        if steps[-1].finished:
            return steps, actions
    raise AssertionError("no game ended")


def test_observations_are_stacked_84x84_grayscale_frames_and_actions_fit_the_game():
    games = AtariGames("ALE/Pong-v5", 2, seed=0)
    try:
        observations = games.reset()
        assert observations.shape == (2, 4, 84, 84) and observations.dtype == np.uint8
        assert games.num_actions == 6
        step = games.step(np.zeros(2, dtype=np.int64))
        assert step.observations.shape == (2, 4, 84, 84) and step.observations.dtype == np.uint8
        assert step.rewards.dtype == np.float32 and step.terminated.dtype == bool
        # The stack holds the last four frames: the newest three of the previous observation move down one
        np.testing.assert_array_equal(step.observations[:, :3], observations[:, 1:])
    finally:
        games.close()
    breakout = AtariGames("ALE/Breakout-v5", 1, seed=0)
    assert breakout.num_actions == 4
    breakout.close()


def test_reported_return_is_the_unclipped_score_of_the_whole_game():
    # Space Invaders scores 5 to 30 points per alien and has three lives
    games = AtariGames("ALE/SpaceInvaders-v5", 2, seed=1)
    games.reset()
    try:
        steps, _ = play_until_a_game_ends(games, np.random.default_rng(0))
    finally:
        games.close()
    game = steps[-1].finished[0]
    rewards = np.array([step.rewards[game.env] for step in steps])
    terminated = np.array([step.terminated[game.env] for step in steps])
    # The rewards are not clipped: the return is the game's score, summed over all its lives
    assert rewards.max() > 1
    assert game.game_return == rewards.sum()
    assert game.length == len(steps)
    # Losing a life terminated an episode for learning, but the game went on
    assert terminated[:-1].sum() >= 1
    assert terminated[-1]


def test_a_finished_game_is_followed_by_a_new_game_not_by_the_autoreset_transition():
    # The pitfall: with NEXT_STEP autoreset, the step after a game over ignores the action and
    # returns the reset observation with reward 0 and terminated False
    env = AtariVectorEnv("breakout", 1, reward_clipping=False)
    env.reset(seed=3)
    rng = np.random.default_rng(0)
    for _ in range(5000):
        _, _, terminated, _, info = env.step(rng.integers(0, 4, 1))
        if terminated[0]:
            break
    frames_at_end = info["episode_frame_number"][0]
    _, reward, terminated, truncated, info = env.step(np.array([1]))
    assert reward[0] == 0 and not terminated[0] and not truncated[0]
    assert info["episode_frame_number"][0] < frames_at_end
    env.close()

    # AtariGames: the step that ends a game already returns the first observation of the next game
    games = AtariGames("ALE/Breakout-v5", 2, seed=5)
    games.reset()
    try:
        steps, _ = play_until_a_game_ends(games, np.random.default_rng(1))
        env_index = steps[-1].finished[0].env
        assert steps[-1].terminated[env_index]
        # It is the game that a fresh environment starts after the same seed and number of resets
        fresh = AtariVectorEnv("breakout", 1, reward_clipping=False, life_loss_info=True)
        fresh.reset(seed=np.array([games.seeds[env_index]]))
        assert games.resets_since_seed[env_index] == 1
        first_observation, _ = fresh.reset()
        fresh.close()
        np.testing.assert_array_equal(steps[-1].observations[env_index], first_observation[0])
        # The following step is a real step of the new game, with its action recorded
        began = games.game_starts[env_index]
        step = games.step(np.zeros(2, dtype=np.int64))
        assert games.game_starts[env_index] == began and not step.finished
        assert len(games.game_actions[env_index]) == 1
    finally:
        games.close()


def test_truncated_game_keeps_its_final_observation():
    # A time limit of 200 frames: 50 steps of 4 frames
    games = AtariGames("ALE/Pong-v5", 2, seed=0, max_episode_frames=200)
    games.reset()
    try:
        step_number = 0
        while step_number < 60:
            step_number += 1
            step = games.step(np.zeros(2, dtype=np.int64))
            if step.truncated.any():
                break
    finally:
        games.close()
    assert step_number <= 50 and step.truncated.all() and not step.terminated.any()
    assert sorted(step.final_observations) == [0, 1]
    assert [game.length for game in step.finished] == [step_number, step_number]
    # The final observation continues the old game; the returned one starts the new game
    assert not np.array_equal(step.final_observations[0], step.observations[0])
    assert all(len(actions) == 0 for actions in games.game_actions)


def test_restore_replays_the_current_games_exactly():
    rng = np.random.default_rng(2)
    games = AtariGames("ALE/Breakout-v5", 3, seed=11)
    # Reseed every other game, so that the replay meets both seeded and unseeded resets
    games.games_per_seed = 2
    games.reset()
    # Play past the end of several games
    for _ in range(3):
        play_until_a_game_ends(games, rng)
    # Right after a game ended, that environment has no actions to replay
    assert min(len(actions) for actions in games.game_actions) == 0
    just_ended = AtariGames.restore(games.state_dict())
    np.testing.assert_array_equal(just_ended.observations, games.observations)
    just_ended.close()
    for _ in range(20):
        games.step(rng.integers(0, 4, 3))
    assert games.resets_since_seed.any() and (games.seeds != games.seeds[0]).any()
    state = games.state_dict()
    restored = AtariGames.restore(state)
    try:
        np.testing.assert_array_equal(restored.observations, games.observations)
        for _ in range(200):
            action = rng.integers(0, 4, 3)
            original, replayed = games.step(action), restored.step(action)
            np.testing.assert_array_equal(original.observations, replayed.observations)
            np.testing.assert_array_equal(original.rewards, replayed.rewards)
            np.testing.assert_array_equal(original.terminated, replayed.terminated)
            assert [(g.env, g.game_return, g.length) for g in original.finished] == [
                (g.env, g.game_return, g.length) for g in replayed.finished
            ]
    finally:
        games.close()
        restored.close()


def test_unknown_game_id_lists_close_matches():
    assert rom_name("ALE/MsPacman-v5") == "ms_pacman"
    with pytest.raises(ConfigError, match=r"unknown Atari game id 'ALE/Breakot-v5'.*ALE/Breakout-v5"):
        rom_name("ALE/Breakot-v5")


def test_with_no_op_actions_the_game_goes_on_after_a_lost_life():
    # Breakout waits for FIRE after a lost life; the published setup presses it, so a no-op agent keeps losing lives
    games = AtariGames("ALE/Breakout-v5", 2, seed=4)
    games.reset()
    fire = games.fire_action
    try:
        life_losses, finished = 0, []
        for _ in range(400):
            step = games.step(np.zeros(2, dtype=np.int64))
            ended = {game.env for game in step.finished}
            for env in np.flatnonzero(step.terminated):
                if env not in ended:
                    life_losses += 1
                    # The next step presses FIRE in place of the agent's no-op, and replay records it
                    assert games.fire_pending[env]
            finished.extend(step.finished)
            recorded = [actions[-1] for actions in games.game_actions if actions]
            assert set(recorded) <= {0, fire}
        # Five lives per game: the games went on after every lost life, to the game over
        assert life_losses >= 8 and len(finished) >= 2
        assert all(game.length > 20 for game in finished)

        # A checkpoint taken right after a lost life resumes with FIRE pending, and replays exactly
        while not (games.fire_pending.any() and games.game_actions[int(np.argmax(games.fire_pending))]):
            games.step(np.zeros(2, dtype=np.int64))
        restored = AtariGames.restore(games.state_dict())
        try:
            np.testing.assert_array_equal(restored.fire_pending, games.fire_pending)
            for _ in range(60):
                original, replayed = games.step(np.zeros(2, dtype=np.int64)), restored.step(np.zeros(2, dtype=np.int64))
                np.testing.assert_array_equal(original.observations, replayed.observations)
                np.testing.assert_array_equal(original.terminated, replayed.terminated)
        finally:
            restored.close()
    finally:
        games.close()


def test_a_time_limit_on_the_frame_of_a_lost_life_ends_the_game():
    # With no-op actions, Breakout loses its first life at a fixed step for a given seed
    probe = AtariGames("ALE/Breakout-v5", 1, seed=0)
    probe.reset()
    loss_step = next(t for t in range(1, 200) if probe.step(np.zeros(1, dtype=np.int64)).terminated[0])
    probe.close()
    # Time limits around the frames of that step: some fall inside it
    on_the_loss = 0
    for limit in range(4 * loss_step - 6, 4 * loss_step + 2):
        games = AtariGames("ALE/Breakout-v5", 1, seed=0, max_episode_frames=limit)
        games.reset()
        try:
            t, step = 0, None
            while t < loss_step + 6 and not (step and step.finished):
                t += 1
                step = games.step(np.zeros(1, dtype=np.int64))
            # Every game ends at the time limit or earlier, within a step of the limit
            assert step.finished and step.finished[0].length == t, limit
            assert step.truncated[0] or step.terminated[0]
            # A game that ended on the frame of a lost life does not carry a FIRE into the next game
            if t == loss_step:
                on_the_loss += 1
                assert step.terminated[0] and not games.fire_pending[0]
            # The new game goes on
            games.step(np.zeros(1, dtype=np.int64))
            assert len(games.game_actions[0]) == 1
        finally:
            games.close()
    assert on_the_loss > 0, "no time limit fell on the step of the lost life"


@pytest.mark.parametrize(("game", "frames"), [("freeway", range(0, 30)), ("breakout", range(1, 30))])
def test_ale_py_draws_0_to_29_no_op_frames_and_fire_replaces_the_last(game, frames):
    # What the notes of atari.py say about no-op starts: ale-py 0.12 with noop_max=30 plays 0 to 29 no-op frames;
    # in a game with FIRE (Breakout) the last one is FIRE, so a reset plays 1 to 29 frames
    env = AtariVectorEnv(game, 1, noop_max=30)
    env.reset(seed=np.array([7]))
    drawn = {int(env.reset()[1]["episode_frame_number"][0]) for _ in range(300)}
    env.close()
    assert drawn <= set(frames) and (min(drawn), max(drawn)) == (frames[0], frames[-1])


def test_bonus_lives_are_neither_lost_lives_nor_a_game_over():
    # Atlantis rebuilds lost installations: its count of lives goes up during a game, and falls to 0 before the end
    games = AtariGames("ALE/Atlantis-v5", 1, seed=3)
    games.reset()
    rng = np.random.default_rng(0)
    life_losses, t, step = 0, 0, None
    try:
        while t < 5000 and not (step and step.finished):
            t += 1
            sent = bytes(games.game_actions[0])
            step = games.step(rng.integers(0, games.num_actions, 1))
            life_losses += int(step.terminated[0] and not step.finished)
        seed = int(games.seeds[0])
    finally:
        games.close()
    # One game, reported at the step where the environment started the next one, after several lost lives
    assert step.finished and step.finished[0].length == t and life_losses >= 3
    # The same game in a bare vector environment, with the actions that were sent, shows its lives
    env = AtariVectorEnv("atlantis", 1, reward_clipping=False, life_loss_info=True,
                         autoreset_mode=AutoresetMode.SAME_STEP)
    _, info = env.reset(seed=np.array([seed]))
    lives = [int(info["lives"][0])]
    for action in sent:
        _, _, _, _, info = env.step(np.array([action]))
        lives.append(int(info["lives"][0]))
    env.close()
    assert any(later > earlier for earlier, later in itertools.pairwise(lives)), "no bonus life in this game"
    assert min(lives) < lives[0]
