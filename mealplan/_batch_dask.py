"""Dask support for batches: the food table installed on every worker once.

Imported only when a batch runs on a Dask ``Client.get_executor()``. A worker
plugin (Dask's initializer) puts the table in each worker's memory, and the
scheduler hands it to every worker that joins later, including the ones the
nanny restarts after a crash; a scattered table would be lost for good once
the workers holding it died.
"""

from __future__ import annotations

import uuid
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from mealplan._batch_worker import drop_table, install_table
from mealplan._catalog import FoodTable

__all__ = ["FoodsPlugin", "install_foods"]


class FoodsPlugin(WorkerPlugin):
    """Keeps one food table, under a token, in every worker's memory."""

    def __init__(self, token: str, foods: FoodTable) -> None:
        self.token = token
        self.foods = foods
        self.name = f"mealplan-foods-{token}"

    def setup(self, worker: Any) -> None:
        """Install the table in this worker (on start or on joining)."""
        install_table(self.token, self.foods)

    def teardown(self, worker: Any) -> None:
        """Free the table when the batch is over."""
        drop_table(self.token)


def install_foods(client: Any, foods: FoodTable) -> tuple[str, Any]:
    """Install ``foods`` on every worker of ``client``'s cluster.

    Returns:
        The token tasks name the table by, and a function that removes it.

    """
    plugin = FoodsPlugin(uuid.uuid4().hex, foods)
    client.register_plugin(plugin, name=plugin.name)

    def remove() -> None:
        client.unregister_worker_plugin(plugin.name)

    return plugin.token, remove
