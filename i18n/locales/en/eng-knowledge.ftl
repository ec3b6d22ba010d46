# Knowledge base (field-app/src/screens/knowledge.rs).
eng-kb-heading = Knowledge base
eng-kb-search-hint = symptom, error message, model…
eng-kb-search = Search knowledge
eng-kb-none = No articles match.
eng-kb-choose = Choose an article.
eng-kb-symptoms = Symptoms
eng-kb-solution = Solution
