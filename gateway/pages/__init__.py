"""Server-rendered pages (German first, English on ``?lang=en``): one module or package per
area, each with its blueprint (``pages``, ``pages_city``, ``pages_dialogue``, ``pages_events``,
``pages_scenarios``); ``rendering`` holds what every page shares."""
