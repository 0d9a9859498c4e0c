"""The graphbuild ontology (Turtle), SHACL shapes and worked SPARQL queries, shipped as package data."""
