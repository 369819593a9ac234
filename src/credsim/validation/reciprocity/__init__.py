"""The donation game of indirect reciprocity run through credsim's day loop (game.toml)."""

from credsim.validation.reciprocity.scenario import GameRun, game_scenario, run_game

__all__ = ["GameRun", "game_scenario", "run_game"]
