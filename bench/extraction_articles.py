"""The articles of the extraction benchmark's pages: our own writing, every name and event made up.

Each article is a title and its body blocks, exactly as a human annotator would mark the body:
paragraphs, sub-headings ("## "), list items ("- ") and quotations ("> "). The bodies are written
to carry the legitimate text that scraped-text cleaning rules are tempted to cut: short paragraphs,
sentences that mention video, photos, comments, subscribers or updates, sub-headings without a
full stop, all-capital section names, questions, datelines, a closing one-line paragraph of
names. `bench/extraction_pages.py` wraps each in the markup and page noise of a news site.
"""

from __future__ import annotations

ARTICLES: list[dict] = [
    {
        "slug": "harbour-pier",
        "title": "Northern pier closed after divers find cracked supports",
        "body": [
            "KESTRELMOUTH — The harbour authority closed the northern pier on Monday after divers found "
            "cracks in four of its concrete supports during a routine inspection.",
            "Repairs are expected to take six weeks and cost about 3.2 million euros, the authority said in "
            "a statement, adding that no one had been hurt.",
            "By Tuesday, ferries had moved to the southern terminal, where queues stretched past the fish "
            "market for most of the morning.",
            "## What the divers found",
            "The inspection team filmed the supports for three days. Video from the survey, which the "
            "authority published on its website, shows a crack running the length of one pillar.",
            "“We have been warning about this pier for a decade,” said Ines Varga, who chairs the harbour "
            "users' association. “Nobody wanted to pay for it.”",
            "Updated figures from the authority show that 1,400 passengers a day used the northern pier "
            "last summer, twice as many as in 2019.",
            "Harbour master Tomas Ek declined to comment.",
        ],
    },
    {
        "slug": "rail-fares",
        "title": "Regional rail fares to rise by 6 percent in April",
        "body": [
            "Train fares across the eastern region will rise by an average of 6 percent in April, the "
            "transport ministry announced on Wednesday, the largest increase in twelve years.",
            "Subscribers will pay more too.",
            "Holders of annual season tickets, about 90,000 people, face an increase of 4.5 percent, while "
            "single tickets bought on the day will rise by as much as 8 percent on the busiest routes.",
            "The ministry said the money was needed to pay for new signalling on the coastal line, which "
            "has suffered more than 300 failures since January.",
            "## Why now?",
            "Officials blamed the cost of electricity, which makes up almost a fifth of the operator's "
            "spending, and a wage deal agreed with drivers in the autumn.",
            "The passengers' council said it had received 340 comments from travellers since the plan was "
            "first floated in December, nearly all of them opposed.",
            "“People are being asked to pay more for a service that is getting worse,” said its director, "
            "Paula Mendes.",
            "The new fares take effect on April 2.",
        ],
    },
    {
        "slug": "library-reopens",
        "title": "Central library reopens after two-year renovation",
        "body": [
            "The central library on Orchard Street reopened its doors on Saturday after a two-year renovation "
            "that added a roof garden, a children's wing and 40 study rooms.",
            "Hundreds of people queued in the rain before the 9 a.m. opening. Some had brought their "
            "grandchildren; others came to return books borrowed before the building closed.",
            "Photo exhibitions on the ground floor trace the library's history since 1911, when it was "
            "founded with a gift from a local shipping family.",
            "Click, clack, click: the old card catalogue has been kept, restored and placed in the lobby, "
            "where children were pulling out its drawers within minutes of the opening.",
            "## A roof garden",
            "The garden, planted with herbs and wild flowers, is open to readers in the summer months. "
            "Librarians plan reading hours there for toddlers on Thursday mornings.",
            "The renovation cost 18 million, a third more than planned, largely because asbestos was found "
            "in the walls of the east wing.",
            "“It was worth every cent,” said Amira Haddad, the head librarian.",
        ],
    },
    {
        "slug": "storm-warning",
        "title": "Storm Hollis brings flooding to river towns",
        "body": [
            "Storm Hollis swept across the valley overnight, flooding streets in at least six river towns "
            "and leaving 12,000 homes without power, officials said on Sunday.",
            "The river at Marlow Bridge rose 2.4 metres in twelve hours, its highest level since 1998.",
            "Scroll through the town's social media pages and the pictures are the same: cars up to their "
            "windows in water, sandbags piled at shop doors, volunteers in canoes.",
            "Emergency crews rescued 31 people from their homes, most of them elderly residents who had "
            "refused to leave on Saturday evening.",
            "THE DAMAGE",
            "Insurers estimated the damage at 40 million, though the figure is expected to rise as water "
            "recedes and surveyors reach the worst-hit streets.",
            "THE FORECAST",
            "More rain is expected on Tuesday. The weather service has kept its amber warning in place "
            "until Wednesday noon.",
            "Schools in the valley will stay closed on Monday.",
        ],
    },
    {
        "slug": "hospital-wait",
        "title": "Hospital waiting lists fall for the first time in three years",
        "body": [
            "The number of patients waiting for planned surgery at the region's hospitals fell in October "
            "for the first time in three years, figures released on Thursday show.",
            "Some 48,300 people were on waiting lists at the end of the month, down from 49,100 in "
            "September.",
            "The health board credited two new surgical centres that opened in the summer and weekend "
            "clinics staffed by retired surgeons.",
            "So what changed?",
            "Doctors say the centres take routine operations such as hip replacements and cataract surgery "
            "away from the main hospitals, where they were often cancelled to make room for emergencies.",
            "The comments are due by March 1, and the health board will vote on a plan to open two more "
            "centres in April.",
            "Patient groups welcomed the figures but warned that waits for cancer treatment were still "
            "longer than the national target of 62 days.",
            "“One month is not a trend,” said Dr Leo Marsh, a surgeon at St Aidan's.",
        ],
    },
    {
        "slug": "school-meals",
        "title": "Free school meals extended to all primary pupils",
        "body": [
            "Every primary school pupil in the city will receive a free hot lunch from September, the "
            "council decided on Tuesday night after a four-hour debate.",
            "The scheme will cost about 9 million a year and will be paid for by a tax on holiday rentals "
            "that came into force last spring.",
            "The plan covers:",
            "- all 64 primary schools run by the council",
            "- the city's four special schools",
            "- breakfast clubs in the poorest wards",
            "Head teachers said about one child in five arrives at school hungry.",
            "Opposition councillors argued that the money should be spent on the poorest families only, "
            "and said they would join the debate again when the budget is reviewed in the new year.",
            "Catering firms have until May to bid for the contracts.",
        ],
    },
    {
        "slug": "wind-farm",
        "title": "Offshore wind farm approved despite fishing fleet protest",
        "body": [
            "The government approved a 60-turbine wind farm off the east coast on Friday, rejecting "
            "objections from fishing crews who say it will close some of their richest grounds.",
            "The farm, 30 kilometres out to sea, will supply power to about 400,000 homes when it is "
            "finished in 2029.",
            "Watch the harbour on any weekday morning and you see why the fleet is worried: more than 80 "
            "boats land their catch there, most of it from the banks where the turbines will stand.",
            "The developer has offered compensation of 12 million over ten years, which the fishermen's "
            "cooperative called an insult.",
            "Sign up for the compensation scheme opens in June, the ministry said.",
            "Environmental groups were divided. Some welcomed the decision; others said the cables would "
            "disturb seal colonies on the sandbanks.",
            "The cooperative said it would appeal.",
        ],
    },
    {
        "slug": "museum-theft",
        "title": "Police recover paintings stolen from river museum",
        "body": [
            "Police have recovered three paintings stolen from the Riverside Museum in a night-time raid in "
            "February, the city's police chief said on Monday.",
            "The works, landscapes by the 19th-century painter Anselm Roth, were found in a storage unit on "
            "the edge of the city. Two men have been arrested.",
            "Copyright was never the thieves' aim, detectives said: the men had tried to sell the paintings "
            "to a dealer who contacted the police.",
            "The museum's security cameras had been switched off for maintenance on the night of the theft.",
            "> “We were lucky. Paintings like these usually disappear for decades,” said the museum's "
            "director, Hanne Lind.",
            "Gallery owners in the old town said the theft had led them to review their own alarms.",
            "The paintings will go back on display in the autumn after restorers repair a torn corner on "
            "one of them.",
        ],
    },
    {
        "slug": "bridge-tolls",
        "title": "Bridge tolls scrapped after twenty years",
        "body": [
            "Drivers crossed the Estuary Bridge for free on Wednesday for the first time since it opened in "
            "2005, after the regional government bought out the company that ran it.",
            "The buyout cost 220 million. Officials said the tolls, 4.60 a crossing for a car, had been a "
            "burden on commuters from the south bank.",
            "Follow the money, critics said: the company's shareholders will receive more than the bridge "
            "cost to build.",
            "Traffic is expected to rise by 15 percent, according to the transport department, which plans "
            "to add a bus lane by next year.",
            "## What it means for commuters",
            "A commuter crossing twice a day, five days a week, will save about 2,000 a year.",
            "The toll booths will be removed over the summer.",
        ],
    },
    {
        "slug": "vaccine-clinic",
        "title": "Pharmacies to offer winter vaccines without appointment",
        "body": [
            "Pharmacies across the province will offer flu and respiratory virus vaccines without an "
            "appointment from next week, health officials said on Thursday.",
            "About 900 pharmacies have signed up, the pharmacists' association said.",
            "Loading of the first vaccine shipments began at the central warehouse on Wednesday night.",
            "Officials hope the move will raise vaccination rates among people over 65, which fell to 61 "
            "percent last winter from 70 percent two years earlier.",
            "Is it safe to get both shots at once?",
            "Yes, according to the province's chief medical officer, Dr Nadia Petrov, who said studies "
            "showed no extra side effects when the two vaccines were given on the same day.",
            "Pharmacists will be paid 15 for each shot.",
        ],
    },
    {
        "slug": "city-budget",
        "title": "City budget adds police officers and cuts arts grants",
        "body": [
            "The city council passed a 1.2 billion budget on Monday that adds 80 police officers and cuts "
            "grants to arts groups by a quarter.",
            "The vote was 9 to 6.",
            "Mayor Ruth Okafor said the budget kept the property tax flat for a third year while paying for "
            "more officers in the neighbourhoods where burglaries have risen.",
            "Arts groups said the cuts would close at least two community theatres. The views expressed at "
            "a packed public hearing last week were overwhelmingly against the cuts, with 120 speakers.",
            "The budget also sets aside 14 million for road repairs and 6 million for a new youth centre in "
            "the northern district.",
            "Council member Dario Vance voted against it.",
        ],
    },
    {
        "slug": "airport-strike",
        "title": "Airport security staff strike on busiest weekend",
        "body": [
            "Security staff at the city's airport walked out on Friday morning at the start of the busiest "
            "weekend of the summer, causing queues of up to three hours.",
            "More than 200 flights were delayed and 36 cancelled, the airport said.",
            "The union wants a 9 percent pay rise; the contractor has offered 5 percent.",
            "Posted outside the terminal, strikers handed out leaflets to passengers explaining the dispute.",
            "“We are not doing this to hurt travellers,” said union steward Karim Aziz. “We are doing it "
            "because we cannot pay our rent.”",
            "The airport advised passengers to arrive four hours before their flights.",
            "Talks are set to resume on Monday.",
        ],
    },
    {
        "slug": "drought-farmers",
        "title": "Farmers count the cost of the driest summer on record",
        "body": [
            "Wheat yields in the southern plains fell by a third this year after the driest summer since "
            "records began in 1871, the farmers' union said on Tuesday.",
            "Some farms lost their entire harvest.",
            "The union asked the government for 300 million in emergency aid.",
            "## The numbers",
            "- Rainfall from June to August: 41 mm, against an average of 160 mm",
            "- Wheat harvest: 2.1 million tonnes, down from 3.2 million",
            "- Cattle sold early for lack of feed: about 40,000 head",
            "Agriculture minister Jonas Berg said aid would be decided in the budget.",
            "In photos shared by farmers, fields that should be knee-high with wheat are bare, cracked earth.",
            "Farmers who spoke at the union's meeting said they could not survive another year like this one.",
        ],
    },
    {
        "slug": "tech-layoffs",
        "title": "Software maker cuts 1,200 jobs as sales slow",
        "body": [
            "Northlight, the accounting software maker, said on Wednesday that it would cut 1,200 jobs, or "
            "about 11 percent of its staff, after two quarters of falling sales.",
            "The company's shares rose 7 percent on the news.",
            "Chief executive Mara Quist said in a memo to staff that the cuts would fall mostly on sales "
            "and marketing, and that engineers would largely be spared.",
            "“These are people who built this company,” she wrote. “I am sorry.”",
            "Newsletter and video teams, which the company built up during the pandemic, will be closed.",
            "Northlight will take a charge of about 90 million for severance.",
            "Analysts said more cuts were likely.",
        ],
    },
    {
        "slug": "election-count",
        "title": "Recount confirms mayor's win by 41 votes",
        "body": [
            "A recount completed on Thursday confirmed that Mayor Felix Aranda won re-election by 41 votes, "
            "the narrowest margin in the town's history.",
            "His challenger, Sonia Reyes, had asked for the recount after the first count showed a gap of "
            "just 38 votes.",
            "By noon, all 11,200 ballots had been counted again by hand in the town hall's gymnasium.",
            "Three ballots that had been rejected in the first count were accepted in the second.",
            "Reyes conceded in a short statement. “The people have spoken, narrowly,” she said.",
            "Aranda will be sworn in on January 8.",
        ],
    },
    {
        "slug": "zoo-birth",
        "title": "Rare snow leopard cubs born at city zoo",
        "body": [
            "Two snow leopard cubs were born at the city zoo last month, the first of their kind born there "
            "in 15 years, keepers said on Friday.",
            "The cubs, a male and a female, have not yet been named.",
            "Video from a camera in the den shows the mother, Tashi, nursing the cubs in the first hours "
            "after their birth.",
            "Snow leopards are listed as vulnerable, with fewer than 7,000 thought to remain in the wild.",
            "Visitors will be able to see the cubs from March.",
            "Comments from visitors on the zoo's page have been overwhelmingly warm, the zoo's director, "
            "Omar Sayed, said, with many suggesting names.",
            "The zoo will hold a naming vote in February.",
        ],
    },
    {
        "slug": "court-ruling",
        "title": "Court strikes down ban on street performers",
        "body": [
            "The regional court on Tuesday struck down a city ordinance that banned street performers from "
            "the old town, ruling that it violated the right to free expression.",
            "The ordinance, passed in 2023, had fined musicians, jugglers and painters up to 500 for "
            "performing in the historic squares.",
            "Judge Elena Corvi wrote that the city had not shown that the performers caused more noise or "
            "crowding than the cafés and tour groups it still allowed.",
            "What did the city argue?",
            "Lawyers for the city said the performers blocked emergency routes and drove away residents. The "
            "court found no evidence for either claim.",
            "The city has 30 days to appeal.",
            "Accordion player Marek Novak, who brought the case, said he would be back in the main square "
            "on Saturday.",
        ],
    },
    {
        "slug": "water-main",
        "title": "Burst water main floods downtown streets",
        "body": [
            "A water main burst under Fifth Avenue early on Wednesday, flooding four downtown blocks and "
            "cutting water to about 3,000 homes and businesses.",
            "Crews shut off the main by 6:40 a.m., but not before water had poured into basements and a "
            "subway station.",
            "The pipe, laid in 1926, was on the utility's list for replacement next year.",
            "Photo by photo, residents posted the scene online: a geyser in the middle of the avenue, a "
            "flooded bakery, commuters wading to the station.",
            "Water was restored to most customers by the evening.",
            "The utility said it would pay for damage to homes and shops.",
            "Its chief engineer, Ada Fleming, said the city needed to spend 2 billion over ten years to "
            "replace its oldest pipes.",
        ],
    },
    {
        "slug": "housing-plan",
        "title": "Council backs 5,000 new homes on old rail yards",
        "body": [
            "The council backed a plan on Thursday to build 5,000 homes on the disused rail yards east of "
            "the central station, the city's largest housing project in half a century.",
            "A third of the homes will be let at below-market rents.",
            "The developer, a consortium of two pension funds, will also build two schools, a health centre "
            "and a park along the old tracks.",
            "Residents of the neighbouring streets have raised concerns about traffic. The council received "
            "2,100 comments on the plan during its consultation, which ended in October.",
            "Building work is to start in 2027.",
            "Home prices in the district have risen 12 percent in two years.",
            "The first residents could move in by 2029.",
        ],
    },
    {
        "slug": "marathon",
        "title": "Local runner wins city marathon in record time",
        "body": [
            "Lena Okoye won the city marathon on Sunday in 2 hours 21 minutes and 9 seconds, breaking a "
            "course record that had stood for 17 years.",
            "She is the first runner from the city to win the race since 1994.",
            "Okoye, 27, a physiotherapist who trains before and after work, pulled away from the leading "
            "group at the 35th kilometre.",
            "“I kept waiting for someone to come after me,” she said. “Nobody did.”",
            "Close to 18,000 runners finished the race, a record.",
            "In the men's race, Tadesse Alemu won in 2:08:44.",
        ],
    },
    {
        "slug": "bus-routes",
        "title": "Night buses return to suburbs after five years",
        "body": [
            "Night bus services to the outer suburbs will return in May, five years after they were cut to "
            "save money, the transport authority said on Monday.",
            "Six routes will run every 30 minutes between midnight and 5 a.m. on Fridays and Saturdays.",
            "The routes will serve:",
            "- the hospital district",
            "- the university campus",
            "- the industrial estates on the ring road",
            "Hospitality workers had campaigned for the buses' return, saying they faced taxi fares of 40 or "
            "more to get home after late shifts.",
            "Next, the authority will study whether to run night trams on the busiest line.",
            "The services will cost 3.5 million a year.",
        ],
    },
    {
        "slug": "factory-fire",
        "title": "Fire destroys paint factory; residents told to keep windows shut",
        "body": [
            "A fire destroyed a paint factory on the industrial estate on Saturday night, sending a plume "
            "of black smoke over the western suburbs.",
            "No one was hurt. About 40 workers on the night shift were evacuated when the alarm sounded "
            "at 10:15 p.m.",
            "Residents within 2 kilometres were told to keep their windows and doors shut until Sunday "
            "afternoon.",
            "Fire crews from five stations fought the blaze for nine hours.",
            "The cause is not yet known. Investigators will begin work on Monday.",
            "Updated air quality readings released on Sunday showed pollution had returned to normal "
            "levels.",
            "The company, Brightcoat, said it would keep paying its 160 employees while it decides whether "
            "to rebuild.",
        ],
    },
    {
        "slug": "university-fees",
        "title": "Students protest plan to double university fees",
        "body": [
            "Thousands of students marched through the capital on Wednesday against a government plan to "
            "double university fees for students from outside the region.",
            "Police put the crowd at 8,000; organisers said 20,000.",
            "The plan would raise fees from 3,000 to 6,000 a year from 2026.",
            "## Who would pay",
            "About 40,000 students would be affected, a quarter of them from abroad.",
            "Education minister Carla Duarte said the money would fund 2,000 new places for local students.",
            "Student unions said they would hold more protests before the vote in parliament, planned for "
            "March.",
            "“This is not the end,” said union president Yusuf Kaya.",
        ],
    },
    {
        "slug": "bakery-prize",
        "title": "Village bakery wins national bread prize",
        "body": [
            "A bakery in the village of Hollin has won the national bread prize for its rye sourdough, "
            "beating 600 entries from across the country.",
            "The bakery, run by Agnes and Piet Mol, opened eight years ago in a former post office.",
            "Their loaf is made with flour from a mill three kilometres away and takes 30 hours from start "
            "to finish.",
            "Since the prize was announced on Monday, queues have formed outside the bakery before it "
            "opens at 7 a.m.",
            "“We sold out by half past eight,” Agnes Mol said.",
            "The couple plan to take on two apprentices.",
        ],
    },
    {
        "slug": "ferry-crash",
        "title": "Ferry hits harbour wall in fog; 14 hurt",
        "body": [
            "A passenger ferry struck the harbour wall in thick fog on Thursday morning, injuring 14 people, "
            "two of them seriously.",
            "The ferry, carrying 230 passengers and 40 vehicles, was arriving from the islands at about "
            "7:50 a.m.",
            "Passengers described a loud bang and a jolt that threw people to the floor of the lounge.",
            "Video recorded by a passenger shows the bow of the ship crumpled against the stones.",
            "The maritime accident board has opened an investigation.",
            "Was the radar working?",
            "The operator said the ship's radar had been checked last month and was working normally.",
            "Services to the islands were suspended for the day.",
        ],
    },
    {
        "slug": "park-plan",
        "title": "Old airfield to become the city's largest park",
        "body": [
            "The old military airfield on the city's northern edge will become a 300-hectare park, the "
            "largest in the city, under a plan unveiled on Tuesday.",
            "The runway will be kept as a path for cyclists and skaters.",
            "The plan includes a lake, 40 kilometres of trails and a meadow left to grow wild.",
            "In pictures released by the architects, families picnic beside the old control tower, which "
            "will become a café.",
            "The first part of the park could open in 2027.",
            "The council will hold public meetings on the plan in January.",
            "Park director Lotte Brandt said the airfield was home to 90 species of birds.",
        ],
    },
    {
        "slug": "cinema-closing",
        "title": "Last independent cinema to close after 80 years",
        "body": [
            "The Rialto, the city's last independent cinema, will close at the end of the month after 80 "
            "years, its owners said on Friday.",
            "Audiences have halved since 2019.",
            "The owners, brothers Aldo and Vito Serra, said rising energy bills and a rent increase of 40 "
            "percent had made the business impossible.",
            "A campaign to save the cinema has gathered 9,000 signatures. Its organisers hope to raise "
            "enough money to buy the building.",
            "Subscriptions to the cinema's members' club, which cost 60 a year, will be refunded.",
            "The last film to be shown will be the one that opened the cinema in 1945.",
        ],
    },
    {
        "slug": "port-strike-ends",
        "title": "Port strike ends after 11 days with pay deal",
        "body": [
            "Dock workers returned to work on Monday after an 11-day strike that left hundreds of containers "
            "stranded and shelves empty in some shops.",
            "The deal gives workers a 7 percent pay rise this year and 4 percent next year.",
            "About 1,800 dock workers took part in the strike, the first at the port in 30 years.",
            "Shipping lines said it would take two weeks to clear the backlog.",
            "24/7 shifts will run at the container terminal until the backlog is cleared.",
            "Retailers said the shortages had cost them millions in lost sales before Christmas.",
            "The union's members approved the deal by 82 percent.",
        ],
    },
    {
        "slug": "tram-line",
        "title": "New tram line opens two years late",
        "body": [
            "The city's new tram line opened on Saturday, two years late and 30 percent over budget.",
            "Thousands of people rode the trams for free on the first day.",
            "The 14-kilometre line links the central station with the university and the hospital, with 22 "
            "stops.",
            "Trams will run every six minutes at peak times.",
            "ON TIME AND ON BUDGET?",
            "Neither, admitted transport councillor Hugo Lindqvist, who blamed the discovery of a medieval "
            "cemetery under the route and a shortage of steel.",
            "The line cost 640 million.",
            "A second line is planned for 2030.",
        ],
    },
    {
        "slug": "heatwave-work",
        "title": "Outdoor workers to get heat breaks under new rules",
        "body": [
            "Construction and farm workers will be entitled to paid breaks when temperatures pass 32 degrees, "
            "under rules announced by the labour ministry on Wednesday.",
            "The rules take effect on June 1.",
            "Employers will have to provide shade, water and a 15-minute break every two hours during "
            "heatwaves, and stop work altogether above 38 degrees.",
            "Unions welcomed the rules. Employers' groups said they would raise costs and delay projects.",
            "Last summer, 11 workers died of heat stroke in the country, the ministry said.",
            "Inspectors will be able to fine employers up to 10,000 for each worker without a break.",
            "Labour minister Ilse Moreau called the rules overdue.",
        ],
    },
    {
        "slug": "bookshop-fire-appeal",
        "title": "Readers raise 200,000 to rebuild burned bookshop",
        "body": [
            "Readers from around the country have raised more than 200,000 to rebuild the Quayside "
            "Bookshop, which burned down in January.",
            "The appeal reached its target in four days.",
            "The shop, open since 1962, lost its entire stock of 30,000 books in the fire, which started in "
            "a neighbouring restaurant.",
            "Owner Margit Olsen said she had been overwhelmed. “People sent letters with ten, twenty, fifty. "
            "One child sent her pocket money,” she said.",
            "Publishers have offered to restock the shop at cost.",
            "The new shop is due to open in the autumn.",
        ],
    },
    {
        "slug": "chess-champion",
        "title": "Schoolgirl, 13, becomes youngest national chess champion",
        "body": [
            "Mira Kowal, 13, became the youngest national chess champion on Sunday, winning the final round "
            "against a grandmaster three times her age.",
            "She finished the tournament with eight points from nine games.",
            "Kowal learned the game from her grandfather at the age of five and now trains for two hours "
            "after school every day.",
            "Her coach, Viktor Halme, said she had a rare gift for the endgame.",
            "What next?",
            "The European youth championship in Tallinn in August, and, she said, her maths homework.",
            "The previous youngest champion was 15.",
        ],
    },
]
