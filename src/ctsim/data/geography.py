"""The district table and adjacency as the arrays and graph the model runs on.

Built once from the packaged data (or from tables a caller passes in) and shared, read-only, by every model run in
the process, so a run does no file I/O of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from ctsim.data import load_adjacency, load_districts


@dataclass(frozen=True)
class Geography:
    """Districts as arrays aligned by index, and their adjacency.

    Attributes:
        table: the district table (one row per district, in index order).
        graph: networkx graph on district indices 0..n-1.
        adjacency: sparse 0/1 matrix of the same graph.
        neighbours: for each district, the array of adjacent district indices (sorted).
    """

    table: pd.DataFrame
    graph: nx.Graph
    adjacency: sp.csr_matrix
    neighbours: tuple[np.ndarray, ...]

    @property
    def n(self) -> int:
        """Number of districts."""
        return len(self.table)

    @classmethod
    def from_tables(cls, districts: pd.DataFrame, adjacency: pd.DataFrame) -> Geography:
        """Build from a district table and an adjacency table (as returned by :mod:`ctsim.data`)."""
        table = districts.reset_index(drop=True)
        index = {d: i for i, d in enumerate(table["district_id"])}
        graph = nx.Graph()
        graph.add_nodes_from(range(len(table)))
        pairs = [(index[a], index[b]) for a, b in zip(adjacency["district_id_a"], adjacency["district_id_b"],
                                                      strict=True)]
        graph.add_edges_from(pairs)
        matrix = nx.to_scipy_sparse_array(graph, nodelist=range(len(table)), format="csr", dtype=float)
        neighbours = tuple(np.array(sorted(graph.neighbors(i)), dtype=np.int64) for i in range(len(table)))
        return cls(table=table, graph=graph, adjacency=sp.csr_matrix(matrix), neighbours=neighbours)

    def region_of(self) -> np.ndarray:
        """Region index (into :data:`ctsim.data.REGIONS`) of every district."""
        return self.table["region_index"].to_numpy(np.int64)


@lru_cache(maxsize=1)
def packaged() -> Geography:
    """The geography of the data packaged with ctsim, read once per process."""
    districts = load_districts()
    return Geography.from_tables(districts, load_adjacency(district_ids=districts["district_id"]))


__all__ = ["Geography", "packaged"]
