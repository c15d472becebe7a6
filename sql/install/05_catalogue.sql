-- commhub install script, part 05: the default product catalogue and competitor list
-- of tenant T001 (generated from test/corpus/catalogue.json; users edit the tables,
-- the analyzer picks changes up without a restart).
INSERT INTO commhub.products (tenant_id, canonical, category, aliases) VALUES
    ('T001', 'PCR-ABS-1000', 'ABS', ARRAY['PCR-ABS', 'PCR ABS', 'PCRABS', 'PCR-ABS 1000', 'PCR-ABS1000', '再生ABS', '回收ABS', 'PCR ABS 1000系列', 'ABS再生料']::text[]),
    ('T001', 'PCR-ABS-2000', 'ABS', ARRAY['PCR-ABS 2000', 'PCR-ABS2000', '高性能PCR-ABS', '高性能再生ABS']::text[]),
    ('T001', 'PCR-PC-3000', 'PC', ARRAY['PCR-PC', 'PCR PC', 'PCR-PC 3000', '再生PC', '回收PC', 'PC再生料']::text[]),
    ('T001', 'PC/ABS', 'PC/ABS', ARRAY['PC+ABS', 'PCABS', 'PC-ABS合金', 'PC/ABS合金']::text[]),
    ('T001', 'PP-T20', 'PP', ARRAY['PP T20', 'PPT20', 'PP-T20滑石粉填充', '20%滑石粉PP', 'PP+20%滑石粉']::text[]),
    ('T001', 'PA66-GF30', 'PA', ARRAY['PA66 GF30', 'PA66+30%GF', 'PA66-30%玻纤', '30%玻纤增强PA66', '尼龙66玻纤']::text[]),
    ('T001', 'HIPS-500', 'PS', ARRAY['HIPS', '高抗冲聚苯乙烯', 'HIPS 500']::text[]),
    ('T001', 'PCR-PP-800', 'PP', ARRAY['PCR-PP', '再生PP', '回收PP', 'PCR PP']::text[]),
    ('T001', '阻燃ABS-V0', 'ABS', ARRAY['阻燃ABS', 'V0阻燃ABS', 'ABS V0', 'FR-ABS']::text[]),
    ('T001', 'PBT-GF15', 'PBT', ARRAY['PBT GF15', 'PBT+15%GF', '15%玻纤PBT']::text[]);
INSERT INTO commhub.product_relations (tenant_id, from_product, to_product, kind, reason) VALUES
    ('T001', 'PCR-ABS-1000', 'PCR-ABS-2000', 'up_sell', '性能要求提升时的高性能升级款'),
    ('T001', 'PCR-ABS-1000', 'PCR-PC-3000', 'cross_sell', '新产品开发需要工程塑料'),
    ('T001', 'PCR-ABS-1000', '阻燃ABS-V0', 'cross_sell', '电器外壳常需阻燃等级'),
    ('T001', 'PP-T20', 'PCR-PP-800', 'cross_sell', '降本与环保指标'),
    ('T001', 'PC/ABS', 'PCR-PC-3000', 'cross_sell', '再生料替代降低碳足迹'),
    ('T001', 'HIPS-500', 'PCR-ABS-1000', 'up_sell', '外观与强度升级');
INSERT INTO commhub.competitors (tenant_id, canonical, aliases) VALUES
    ('T001', '金发科技', ARRAY['金发', 'Kingfa', 'KINGFA']::text[]),
    ('T001', '普利特', ARRAY['Pret', 'PRET']::text[]),
    ('T001', 'SABIC', ARRAY['沙伯基础', '沙特基础', 'Sabic']::text[]),
    ('T001', 'LG化学', ARRAY['LG Chem', 'LG化工', 'LGChem']::text[]),
    ('T001', '奇美', ARRAY['奇美实业', 'CHIMEI', 'Chi Mei']::text[]),
    ('T001', '科思创', ARRAY['Covestro', '拜耳材料']::text[]),
    ('T001', '巴斯夫', ARRAY['BASF']::text[]),
    ('T001', '道恩股份', ARRAY['道恩']::text[]),
    ('T001', '国恩股份', ARRAY['国恩']::text[]),
    ('T001', '会通股份', ARRAY['会通']::text[]);
